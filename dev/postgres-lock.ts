// A postmaster.pid left by a killed run must not block the next start. PostgreSQL itself ignores a lock
// whose PID is gone, but refuses when that PID was reused by any other live process (common in
// containers), and a postmaster orphaned by a SIGKILLed `make dev` keeps the data dir busy.
import { readFile, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const readProc = (pid: number, file: string) => readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => undefined);

async function waitGone(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (!alive(pid)) return true;
  return !alive(pid);
}

/** Removes a stale lock, stops an orphaned postmaster of this data dir, throws if a live stack owns it. */
export async function clearStaleLock(dataDir: string, log: (msg: string) => void): Promise<void> {
  const lockFile = `${dataDir}/postmaster.pid`;
  const text = await readFile(lockFile, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) {
    log(`removing stale ${lockFile} (process ${pid} is gone)`);
    await unlink(lockFile).catch(() => {});
    return;
  }
  const cmdline = await readProc(pid, 'cmdline');
  if (cmdline === undefined) return; // no /proc (macOS): leave the decision to PostgreSQL
  const args = cmdline.split('\0');
  if (!args.some((a) => /postgres$/.test(a)) || !args.includes(dataDir)) {
    log(`removing stale ${lockFile} (PID ${pid} now belongs to another program)`);
    await unlink(lockFile).catch(() => {});
    return;
  }
  // A postmaster on our data dir. Its parent is the node process that started it, unless that died.
  const ppid = Number((await readProc(pid, 'stat'))?.split(') ')[1]?.split(' ')[1]);
  const parent = ppid > 1 ? await readProc(ppid, 'cmdline') : undefined;
  if (parent && /(^|\/)node$/.test(parent.split('\0')[0])) {
    throw new Error(`PostgreSQL (PID ${pid}) on ${dataDir} is owned by a running process (PID ${ppid}): is another \`make dev\` running?`);
  }
  log(`stopping orphaned PostgreSQL (PID ${pid}) left on ${dataDir} by a killed run`);
  process.kill(pid, 'SIGINT'); // fast shutdown
  if (!(await waitGone(pid, 15_000))) {
    process.kill(pid, 'SIGQUIT'); // immediate shutdown
    if (!(await waitGone(pid, 5_000))) throw new Error(`could not stop orphaned PostgreSQL (PID ${pid}); kill it and retry`);
  }
}

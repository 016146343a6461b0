// The apps run in their own process groups; should a `make dev` killed with SIGKILL leave them running
// (the reaper, stack/reaper.ts, normally stops them), the next start stops them: we note their PIDs in
// .data/dev-stack.pids.json (Linux /proc; elsewhere a no-op). The file belongs to the stack that wrote
// it: a start that fails because another stack is running never touches it.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DATA_DIR } from './paths.ts';

const FILE = `${DATA_DIR}/dev-stack.pids.json`;

interface Recorded {
  stack: number;
  apps: Array<{ pid: number; entry: string }>;
}

const cmdline = (pid: number) => readFile(`/proc/${pid}/cmdline`, 'utf8').then((s) => s.split('\0'), () => undefined);
const ppidOf = async (pid: number) => Number((await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''))?.split(') ')[1]?.split(' ')[1]);

let owned = false; // true once this process has written the file

export const PIDS_FILE = FILE;

export async function recordApps(apps: Recorded['apps']): Promise<void> {
  owned = true;
  await writeFile(FILE, `${JSON.stringify({ stack: process.pid, apps } satisfies Recorded)}\n`);
}

/** Removes the file, only if this process wrote it. */
export async function forgetApps(): Promise<void> {
  if (owned) await rm(FILE, { force: true });
}

/** The PID of another `make dev` that recorded its apps and still runs, if any. */
export async function runningStack(): Promise<number | undefined> {
  const recorded = await readFile(FILE, 'utf8').then((t) => JSON.parse(t) as Recorded, () => undefined);
  if (!recorded || recorded.stack === process.pid) return undefined;
  return (await cmdline(recorded.stack))?.some((a) => a.endsWith('dev/stack.ts')) ? recorded.stack : undefined;
}

export async function stopLeftoverApps(log: (msg: string) => void): Promise<void> {
  const recorded = await readFile(FILE, 'utf8').then((t) => JSON.parse(t) as Recorded, () => undefined);
  if (!recorded) return;
  for (const { pid, entry } of recorded.apps) {
    if (!(await cmdline(pid))?.includes(entry)) continue; // gone, or the PID now belongs to something else
    const parent = await cmdline(await ppidOf(pid));
    if (parent?.some((a) => a.endsWith('dev/stack.ts'))) {
      throw new Error(`${entry} (PID ${pid}) belongs to a running \`make dev\` (PID ${await ppidOf(pid)}); stop that one first`);
    }
    log(`stopping ${entry} (PID ${pid}) left running by a killed \`make dev\``);
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && (await cmdline(pid))?.includes(entry); i++) await sleep(100);
    if ((await cmdline(pid))?.includes(entry)) process.kill(pid, 'SIGKILL');
  }
  await rm(FILE, { force: true }); // no stack runs that could own it
}

// The apps run in their own process groups, so a `make dev` killed with SIGKILL leaves them running and
// holding their ports. We note their PIDs, and the next start stops them (Linux /proc; elsewhere a no-op).
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

export async function recordApps(apps: Recorded['apps']): Promise<void> {
  await writeFile(FILE, JSON.stringify({ stack: process.pid, apps } satisfies Recorded) + '\n');
}

export async function forgetApps(): Promise<void> {
  await rm(FILE, { force: true });
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
  await forgetApps();
}

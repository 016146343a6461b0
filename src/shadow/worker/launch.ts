// How the gateway starts the replay worker so that its runs never hold a core a client's request wants
// (docs/shadow.md, "The worker's priority"). A woken thread takes the core from a running one at once when
// the kernel judges it should, and it judges that between the two threads' entities where their groups meet
// (a session's autogroup; in a container, its cgroup). In order of preference, all open to an unprivileged
// process:
// - SCHED_IDLE with a 100 ms time slice (slice.ts, through perl): every thread with a default (shorter) slice
//   preempts it, whatever group it is in — PostgreSQL's too — and a core that runs only the worker counts as
//   free, so a woken thread is put there rather than behind a busy thread on the other core;
// - nice 19 with the 100 ms slice (a kernel that refuses SCHED_IDLE to this process);
// - SCHED_IDLE through util-linux's `chrt` (kernels before 6.12, or no perl): a normal thread preempts it at
//   once only within its group, which is why the worker stays in the gateway's session (in a session of its
//   own it was a group the clients' threads waited behind: benchmarks/replay-priority.ts);
// - plain: the worker lowers itself to nice 19 (priority.ts).
// An idle cgroup the operator prepares (SHADOW_WORKER_CGROUP, cgroup.ts) comes on top of any of them.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { REPLAY_NICE } from './priority.ts';
import { sliceProgram } from './slice.ts';

export type ReplayScheduling = 'SCHED_IDLE, 100 ms slice' | 'nice 19, 100 ms slice' | 'SCHED_IDLE' | 'nice 19';

export interface WorkerLaunch {
  command: string;
  args: string[];
  scheduling: ReplayScheduling;
}

/** The first executable `name` on a PATH-style list of directories, or null. */
export function findExecutable(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The worker as plain node: it lowers itself to nice 19 (priority.ts). */
function plainLaunch(nodeArgs: readonly string[]): WorkerLaunch {
  return { command: process.execPath, args: [...nodeArgs], scheduling: 'nice 19' };
}

/**
 * Whether `chrt` can run a program under SCHED_IDLE here: it runs itself once that way (about 4 ms, once per
 * gateway, before it listens: ReplayHost.prepare).
 */
function idleAllowed(chrt: string): boolean {
  return spawnSync(chrt, ['--idle', '0', chrt, '--version'], { stdio: 'ignore', timeout: 2000 }).status === 0;
}

/**
 * Whether `perl` can start a program with the long slice here (a kernel of 6.12 or later that kept it): it
 * starts itself once that way (a few ms, once per gateway, before it listens: ReplayHost.prepare).
 */
function sliceAllowed(perl: string, program: string): boolean {
  return spawnSync(perl, ['-e', program, perl, '-e', '1'], { stdio: 'ignore', timeout: 2000 }).status === 0;
}

/**
 * The command that runs `node <nodeArgs…>` as the replay worker: with the long slice under SCHED_IDLE, or at
 * nice 19, where perl can set it (slice.ts), else under SCHED_IDLE where `chrt` is on the PATH and allowed to
 * set it, else plain.
 */
export function workerLaunch(nodeArgs: readonly string[], searchPath = process.env.PATH ?? '', platform = process.platform, arch = process.arch): WorkerLaunch {
  if (platform !== 'linux') return plainLaunch(nodeArgs);
  const perl = findExecutable('perl', searchPath);
  if (perl) {
    for (const [idle, scheduling] of [[true, 'SCHED_IDLE, 100 ms slice'], [false, 'nice 19, 100 ms slice']] as const) {
      const program = sliceProgram(REPLAY_NICE, arch, idle);
      if (program && sliceAllowed(perl, program)) return { command: perl, args: ['-e', program, process.execPath, ...nodeArgs], scheduling };
    }
  }
  const chrt = findExecutable('chrt', searchPath);
  if (!chrt || !idleAllowed(chrt)) return plainLaunch(nodeArgs);
  return { command: chrt, args: ['--idle', '0', process.execPath, ...nodeArgs], scheduling: 'SCHED_IDLE' };
}

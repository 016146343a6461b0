// How the gateway starts the replay worker so that its runs never hold a core a client's request wants
// (docs/shadow.md, "The worker's priority"): SCHED_IDLE for every thread, set at exec by util-linux's `chrt`
// (Node has no call for a scheduling policy). A normal thread woken on a core an idle-policy thread holds
// takes it at once — but the kernel judges that between the two threads' entities at the level where their
// groups meet, so the worker stays in the gateway's session (with autogroup scheduling a session is a group;
// in a container, its cgroup): in a session of its own the worker's group was not idle to the scheduler and
// a woken client thread waited out the replay's burst (about 1 ms at p99, measured by
// benchmarks/replay-priority.ts). Threads of other groups (PostgreSQL's) get that only from an idle cgroup
// the operator prepares (SHADOW_WORKER_CGROUP, cgroup.ts).
// Without `chrt` (not Linux, not installed, or refused by a seccomp profile) the worker still runs at nice 19
// in every thread.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export type ReplayScheduling = 'SCHED_IDLE' | 'nice 19';

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
 * gateway, when the first worker starts; the worker's own spawn blocks the same way).
 */
function idleAllowed(chrt: string): boolean {
  return spawnSync(chrt, ['--idle', '0', chrt, '--version'], { stdio: 'ignore', timeout: 2000 }).status === 0;
}

/**
 * The command that runs `node <nodeArgs…>` as the replay worker: under SCHED_IDLE where `chrt` is on the
 * PATH and allowed to set it, plain otherwise.
 */
export function workerLaunch(nodeArgs: readonly string[], searchPath = process.env.PATH ?? '', platform = process.platform): WorkerLaunch {
  const chrt = platform === 'linux' ? findExecutable('chrt', searchPath) : null;
  if (!chrt || !idleAllowed(chrt)) return plainLaunch(nodeArgs);
  return { command: chrt, args: ['--idle', '0', process.execPath, ...nodeArgs], scheduling: 'SCHED_IDLE' };
}

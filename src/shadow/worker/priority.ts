// The replay worker process yields the CPU to everything else of the machine. The gateway starts it under
// SCHED_IDLE where it can, in a session of its own (launch.ts); here it lowers what it can itself:
// - nice 19 for every thread (what remains without SCHED_IDLE): the kernel runs the clients' threads (the
//   gateway's event loop, Express, PostgreSQL) first whenever they want a core. All of its threads: V8's
//   collector helpers run the replay's garbage collection, and at normal priority they would compete with
//   the clients as a thread in the gateway's process did (docs/shadow.md). On Linux a thread has its own
//   nice value, and threads started later inherit their creator's; elsewhere the process's value is set.
// - nice 19 for its autogroup, when it leads a session of its own: with autogroup scheduling (most Linux
//   distributions) a session is one group to the scheduler, and nice orders threads only within a group.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The lowest scheduling priority (POSIX nice 19). */
export const REPLAY_NICE = 19;

/** Field `n` (as proc(5) numbers them) of a /proc stat file; the fields after the command name start at 3. */
export function statField(file: string, n: number): number {
  const stat = readFileSync(file, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3]);
}

/** Field 6 of a process's stat: its session id. */
export const SESSION_FIELD = 6;

/** Whether this process leads its own session (the gateway starts the worker detached). */
function leadsItsSession(): boolean {
  try {
    return statField('/proc/self/stat', SESSION_FIELD) === process.pid;
  } catch {
    return false;
  }
}

/** Lowers the priority of every thread of this process; returns whether it could (false when refused). */
export function lowerThisProcesssPriority(): boolean {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    tids = []; // no /proc: the process's own value below
  }
  try {
    setPriority(REPLAY_NICE); // the calling thread (on Linux), the process elsewhere
  } catch {
    return false;
  }
  for (const tid of tids) {
    try {
      setPriority(Number(tid), REPLAY_NICE); // PRIO_PROCESS with a thread id: that thread only
    } catch {
      // a thread that ended meanwhile
    }
  }
  // Only its own group: in a session it shares (started by hand, or by a test) this would lower the others.
  if (leadsItsSession()) {
    try {
      writeFileSync('/proc/self/autogroup', String(REPLAY_NICE));
    } catch {
      // no autogroup scheduling in this kernel: the threads' values above are what orders them
    }
  }
  return true;
}

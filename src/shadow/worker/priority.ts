// The replay worker process yields the CPU to everything else of the machine. The gateway starts it with a
// long slice at nice 19, or under SCHED_IDLE, where it can (launch.ts); here it sets nice 19 for every
// thread, what remains without either. All of its threads: V8's collector helpers run the replay's garbage
// collection, and at normal priority they would compete with the clients as a thread in the gateway's
// process did (docs/shadow.md). On Linux a thread has its own nice value, and threads started later inherit
// their creator's; elsewhere the process's value is set. (Its session's autogroup is the gateway's, left
// alone: launch.ts says why.)
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The lowest scheduling priority (POSIX nice 19). */
export const REPLAY_NICE = 19;

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
  return true;
}

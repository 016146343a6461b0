// The replay thread yields the CPU to everything else of the machine: on Linux a thread has its own nice
// value, and at 19 the kernel runs the clients' threads (the gateway's event loop, Express, PostgreSQL) first
// whenever they want a core, so a replay can take spare CPU but never a client's. Elsewhere it is a no-op.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The lowest scheduling priority (POSIX nice 19). */
export const REPLAY_NICE = 19;

/** Lowers the calling thread's priority; returns whether it could (false off Linux or when refused). */
export function lowerThisThreadsPriority(): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop()); // "<pid>/task/<tid>"
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, REPLAY_NICE); // PRIO_PROCESS with a thread id: that thread only
    return true;
  } catch {
    return false;
  }
}

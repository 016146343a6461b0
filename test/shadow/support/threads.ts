// What the scheduler uses for each thread of a process — its nice value and its policy — and the process's
// session and autogroup, read from /proc (Linux).
import { readdirSync, readFileSync } from 'node:fs';

/** Field `n` (as proc(5) numbers them) of a /proc stat file; the fields after the command name start at 3. */
function statField(file: string, n: number): number {
  const stat = readFileSync(file, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3]);
}

const SESSION_FIELD = 6;
const NICE = 19;
/** The scheduling policy (0 SCHED_OTHER, 3 SCHED_BATCH, 5 SCHED_IDLE). */
const POLICY = 41;
export const SCHED_IDLE = 5;
export const SCHED_OTHER = 0;

/** Thread id → field `n` of its stat, for every thread the process has now. */
function perThread(pid: number, n: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(Number(tid), statField(`/proc/${pid}/task/${tid}/stat`, n));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

export const threadNice = (pid: number, tid: number | string): number => statField(`/proc/${pid}/task/${tid}/stat`, NICE);
/** Thread id → nice value. */
export const threadsNice = (pid: number): Map<number, number> => perThread(pid, NICE);
/** Thread id → scheduling policy. */
export const threadsPolicy = (pid: number): Map<number, number> => perThread(pid, POLICY);
/** The session a process belongs to. */
export const sessionOf = (pid: number): number => statField(`/proc/${pid}/stat`, SESSION_FIELD);

/**
 * A process's autogroup as /proc shows it ("/autogroup-42 nice 19"); '' for the root group (a process tree in
 * which no session was ever started, as under a container's init: CI's); null without autogroup scheduling.
 */
export function autogroupOf(pid: number | 'self'): string | null {
  try {
    return readFileSync(`/proc/${pid}/autogroup`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Thread id → its time slice in ns (`se.slice` of /proc/…/sched); empty where the kernel does not show it. */
export function threadsSlice(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const line = readFileSync(`/proc/${pid}/task/${tid}/sched`, 'utf8').split('\n').find((l) => l.startsWith('se.slice '));
      if (line) out.set(Number(tid), Number(line.split(':')[1]));
    } catch {
      // the thread ended meanwhile, or no scheduler debug file
    }
  }
  return out;
}

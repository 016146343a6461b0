// The nice value of every thread of a process, read from /proc (Linux): what the scheduler uses.
import { readdirSync, readFileSync } from 'node:fs';

/** Field 19 of /proc/<pid>/task/<tid>/stat; the fields after the command name start at field 3. */
const NICE_FIELD = 19 - 3;

export function threadNice(pid: number, tid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[NICE_FIELD]);
}

/** Thread id → nice value, for every thread the process has now. */
export function threadsNice(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(Number(tid), threadNice(pid, tid));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** Field 41 of /proc/<pid>/task/<tid>/stat: the scheduling policy (0 SCHED_OTHER, 3 SCHED_BATCH, 5 SCHED_IDLE). */
const POLICY_FIELD = 41 - 3;
export const SCHED_IDLE = 5;

/** Thread id → scheduling policy, for every thread the process has now. */
export function threadsPolicy(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[POLICY_FIELD]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** The session a process belongs to (field 6 of /proc/<pid>/stat). */
export function sessionOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6 - 3]);
}

/** A process's autogroup as /proc shows it ("/autogroup-42 nice 19"), or null without autogroup scheduling. */
export function autogroupOf(pid: number | 'self'): string | null {
  try {
    return readFileSync(`/proc/${pid}/autogroup`, 'utf8').trim();
  } catch {
    return null;
  }
}

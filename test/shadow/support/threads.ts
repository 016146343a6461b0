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

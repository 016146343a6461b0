// What the scheduler uses for each thread of a process — its nice value and its policy — and the process's
// session and autogroup, read from /proc (Linux).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { SCHED_SYSCALLS } from '../../../src/shadow/worker/slice.ts';

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

/**
 * Thread id → its time slice in ns, as sched_getattr(2) reports it (its `sched_runtime`), read through perl as
 * the worker's launch sets it (/proc's `se.slice` is not shown for SCHED_IDLE threads); empty where there is
 * no perl or the architecture's call number is not known here.
 */
export function threadsSlice(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  const nr = SCHED_SYSCALLS[process.arch];
  if (!nr) return out;
  const program = `for my $t (@ARGV) { my $a = "\\0" x 48; print "$t ", (unpack("LLQlLQQQ", $a))[5], "\\n" if syscall(${nr.get}, $t + 0, $a, 48, 0) == 0; }`;
  const run = spawnSync('perl', ['-e', program, ...readdirSync(`/proc/${pid}/task`)], { encoding: 'utf8' });
  for (const line of (run.stdout ?? '').split('\n').filter(Boolean)) {
    const [tid, slice] = line.split(' ').map(Number);
    out.set(tid, slice);
  }
  return out;
}

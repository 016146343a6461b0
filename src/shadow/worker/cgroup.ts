// An idle cgroup for the replay worker (SHADOW_WORKER_CGROUP; docs/shadow.md, "The worker's priority"). A
// cgroup with `cpu.idle = 1` is idle to the scheduler at the level where it meets any other group, so every
// normal thread of the machine — PostgreSQL's and Redis's too, which run in groups of their own — takes a
// core from the replay at once, on kernels older than 6.12 too (where the worker's long slice, launch.ts, is
// not kept and SCHED_IDLE gives way only to threads of the worker's own group).
// Creating one needs the right to write the cgroup tree, so the operator prepares it (a directory with
// `cpu.idle` set to 1 whose `cgroup.procs` the gateway's user may write) and names it; the gateway only
// moves each worker it starts into it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface CgroupPlacement {
  /** The cgroup directory the worker was moved into. */
  path: string;
  /** Whether that cgroup is idle (`cpu.idle` reads 1); false: it gives the worker no idle priority. */
  idle: boolean;
}

/** The worker could not be moved into the configured cgroup (missing, not a cgroup, or not writable). */
export class CgroupPlacementError extends Error {
  constructor(dir: string, options: { cause: unknown }) {
    super(`could not move the replay worker into the cgroup ${dir}`, options);
    this.name = 'CgroupPlacementError';
  }
}

/** Whether the cgroup directory `dir` is idle (`cpu.idle` is 1, cgroup v1's cpu controller and v2 alike). */
function isIdle(dir: string): boolean {
  try {
    return readFileSync(path.join(dir, 'cpu.idle'), 'utf8').trim() === '1';
  } catch {
    return false; // no cpu.idle: a kernel before 5.15, or no cpu controller there
  }
}

/** Moves process `pid`, all of its threads, into the cgroup directory `dir`. */
export function placeInCgroup(dir: string, pid: number): CgroupPlacement {
  try {
    writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
  } catch (cause) {
    throw new CgroupPlacementError(dir, { cause });
  }
  return { path: dir, idle: isIdle(dir) };
}

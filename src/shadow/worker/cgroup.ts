// An idle cgroup for the replay worker (SHADOW_WORKER_CGROUP; docs/shadow.md, "The worker's priority"). A
// cgroup with `cpu.idle = 1` is idle to the scheduler at the level where it meets any other group, so every
// normal thread of the machine — PostgreSQL's and Redis's too, which run in groups of their own — takes a
// core from the replay at once, on kernels older than 6.12 too (where the worker's long slice, launch.ts, is
// not kept and SCHED_IDLE gives way only to threads of the worker's own group).
// Creating one needs the right to write the cgroup tree. With SHADOW_WORKER_CGROUP=auto (the default) the
// gateway creates one for its workers under its own cgroup where it may (root on a host or a VM, or a subtree
// delegated to it), and removes it when it closes; where it may not (a container's read-only tree) the
// worker runs where the gateway runs, and says so. An operator may instead prepare one (a directory with
// `cpu.idle` set to 1 whose `cgroup.procs` the gateway's user may write) and name it.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = '/sys/fs/cgroup';

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

/** The cpu hierarchy's path in a /proc cgroup file ("0::/x" for v2, "4:cpu,cpuacct:/x" for v1). */
export function cpuPathIn(file: string, v2: boolean): string {
  const lines = file.trim().split('\n').map((l) => l.split(':'));
  const line = v2 ? lines.find((l) => l[0] === '0') : lines.find((l) => l[1].split(',').includes('cpu'));
  return line?.[2] ?? '';
}

/** The cpu hierarchy's mount and the cgroup of process `pid` in it, or why there is none to write. */
export function cpuHierarchy(pid: number | 'self' = 'self'): { mount: string; own: string; v2: boolean } | { unavailable: string } {
  if (process.platform !== 'linux') return { unavailable: 'cgroups are Linux\'s' };
  const file = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  if (existsSync(path.join(ROOT, 'cgroup.controllers'))) return { mount: ROOT, own: cpuPathIn(file, true) || '/', v2: true };
  const own = cpuPathIn(file, false);
  if (!own || !existsSync(path.join(ROOT, 'cpu', 'cgroup.procs'))) return { unavailable: 'no cpu cgroup hierarchy mounted at /sys/fs/cgroup' };
  return { mount: path.join(ROOT, 'cpu'), own, v2: false };
}

/** Makes `dir` (a new child of `parent`, under cgroup v2 with the cpu controller enabled for it) an idle cgroup; throws what refused it. */
export function makeIdleCgroup(parent: string, dir: string, v2: boolean): void {
  // cgroup v2 gives a child the cpu controller only if the parent hands it down, which a parent holding
  // processes itself may not (the root excepted): then this write is refused and there is no idle cgroup.
  if (v2 && !readFileSync(path.join(parent, 'cgroup.subtree_control'), 'utf8').split(' ').map((c) => c.trim()).includes('cpu')) {
    writeFileSync(path.join(parent, 'cgroup.subtree_control'), '+cpu');
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cpu.idle'), '1');
}

/** An idle cgroup this gateway created for its replay workers (SHADOW_WORKER_CGROUP=auto). */
export interface OwnIdleCgroup {
  path: string;
  /** Removes it (its workers must have ended); false when it still holds a process. */
  remove(): boolean;
}

const OWN_PREFIX = 'mvp-shadow-replay-';

/**
 * Creates `mvp-shadow-replay-<this pid>` with `cpu.idle` 1 under this process's own cpu cgroup, removing the
 * empty ones of gateways no longer running (a crash leaves its own behind), or says why it cannot here.
 */
export function createOwnIdleCgroup(): OwnIdleCgroup | { unavailable: string } {
  let where: ReturnType<typeof cpuHierarchy>;
  try {
    where = cpuHierarchy();
  } catch (err) {
    return { unavailable: `cannot read this process's cgroup: ${err instanceof Error ? err.message : String(err)}` };
  }
  if ('unavailable' in where) return where;
  const parent = path.join(where.mount, where.own);
  const dir = path.join(parent, `${OWN_PREFIX}${process.pid}`);
  try {
    removeAbandoned(parent);
    makeIdleCgroup(parent, dir, where.v2);
  } catch (err) {
    return { unavailable: `cannot create ${dir}: ${err instanceof Error ? err.message : String(err)}` };
  }
  return {
    path: dir,
    remove() {
      try {
        rmdirSync(dir);
        return true;
      } catch {
        return !existsSync(dir);
      }
    },
  };
}

/** Removes the idle cgroups of gateways that are gone (empty ones only: rmdir refuses the others). */
function removeAbandoned(parent: string): void {
  for (const name of readdirSync(parent)) {
    const pid = name.startsWith(OWN_PREFIX) ? Number(name.slice(OWN_PREFIX.length)) : NaN;
    if (!Number.isInteger(pid) || pid === process.pid || existsSync(`/proc/${pid}`)) continue;
    try {
      rmdirSync(path.join(parent, name));
    } catch {
      // still holds a process (a worker outliving its gateway for a moment), or not ours to remove
    }
  }
}

// An idle cgroup (`cpu.idle` 1) for the shadow replay worker, prepared as an operator would for
// SHADOW_WORKER_CGROUP (docs/shadow.md, "The worker's priority"); by tests and the bench, where this process
// may write the cgroup tree (root on a host or a VM; a container's tree is usually read-only). cgroup v2, or
// v1's cpu controller.
import { existsSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cpuHierarchy, cpuPathIn, makeIdleCgroup } from '../src/shadow/worker/cgroup.ts';

export interface IdleCgroup {
  /** The directory to name in SHADOW_WORKER_CGROUP. */
  path: string;
  /** Moves process `pid` into the cgroup (as the gateway does with each worker). */
  add(pid: number): void;
  /** Moves process `pid` back to the cgroup this one is in. */
  release(pid: number): void;
  /** Removes the cgroup once its processes have gone (or moves the stragglers out first). */
  remove(): Promise<void>;
}

/** Creates the idle cgroup `name` next to the root of the cpu hierarchy, or says why it cannot here. */
export function createIdleCgroup(name: string): IdleCgroup | { unavailable: string } {
  const where = cpuHierarchy();
  if ('unavailable' in where) return where;
  const dir = path.join(where.mount, name);
  try {
    makeIdleCgroup(where.mount, dir, where.v2);
  } catch (err) {
    return { unavailable: `cannot prepare ${dir}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const home = path.join(where.mount, where.own, 'cgroup.procs');
  const release = (pid: number) => writeFileSync(home, String(pid));
  return {
    path: dir,
    add: (pid) => writeFileSync(path.join(dir, 'cgroup.procs'), String(pid)),
    release,
    async remove() {
      for (let i = 0; i < 50; i++) {
        try {
          rmdirSync(dir);
          return;
        } catch {
          await new Promise((res) => setTimeout(res, 100)); // its processes are still exiting
        }
      }
      for (const pid of readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
        try { release(Number(pid)); } catch { /* gone meanwhile */ }
      }
      rmdirSync(dir);
    },
  };
}

/** The cpu cgroup (path inside the hierarchy, e.g. "/mvp-shadow") of every thread of process `pid`. */
export function threadCgroups(pid: number): Map<number, string> {
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const out = new Map<number, string>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(Number(tid), cpuPathIn(readFileSync(`/proc/${pid}/task/${tid}/cgroup`, 'utf8'), v2));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

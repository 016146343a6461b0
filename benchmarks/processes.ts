// The server processes under test: sample RSS and CPU from /proc while a measurement runs (they are
// started and stopped by stack/apps.ts).
import { readdirSync, readFileSync } from 'node:fs';
import type { AppProcess } from '../stack/apps.ts';

// ---- /proc sampling -------------------------------------------------------------------------------

const CLOCK_TICKS = 100; // USER_HZ; 100 on every Linux we run on (getconf CLK_TCK)

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the comm field may contain spaces
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // fields[0] is field 3 (state)
}

/** Resident set size in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

export interface ProcessUsage {
  name: string;
  pid: number;
  cpuSeconds: number;
  peakRssBytes: number;
  /** RSS at the start of the window. */
  startRssBytes: number;
}

export interface Sampler {
  /** Ends the window: CPU used and peak RSS of every sampled process since start. */
  stop(): ProcessUsage[];
}

/** Samples every process's RSS every `intervalMs` and its CPU time at start and stop. */
export function startSampler(procs: AppProcess[], intervalMs = 100): Sampler {
  const state = procs.map((p) => {
    const rss = rssBytes(p.pid);
    return { p, cpu0: cpuSeconds(p.pid), peak: rss, start: rss };
  });
  const sample = () => {
    for (const s of state) {
      try {
        s.peak = Math.max(s.peak, rssBytes(s.p.pid));
      } catch {
        /* process gone: reported by the measurement as errors */
      }
    }
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return state.map((s) => ({
        name: s.p.name,
        pid: s.p.pid,
        cpuSeconds: round(cpuSeconds(s.p.pid) - s.cpu0, 3),
        peakRssBytes: s.peak,
        startRssBytes: s.start,
      }));
    },
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

// ---- machine-wide CPU, to show what else ran during a measurement ----------------------------------

export interface MachineCpu {
  /** User + system CPU seconds of the whole machine (all cores; /proc/stat), i.e. charged to processes. */
  busySeconds: number;
  /** Interrupt handling (irq + softirq, largely loopback networking) and time stolen by the hypervisor. */
  irqSeconds: number;
  stealSeconds: number;
  /** CPU seconds of the PostgreSQL and Redis server processes (by process name). */
  postgresSeconds: number;
  redisSeconds: number;
  /** Per-pid totals, to take deltas of processes alive at both ends. */
  perPid: Map<number, { comm: string; seconds: number }>;
}

export function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  const perPid = new Map<number, { comm: string; seconds: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres' && comm !== 'redis-server') continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      perPid.set(Number(entry), { comm, seconds: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS });
    } catch {
      /* exited while we looked */
    }
  }
  let postgresSeconds = 0;
  let redisSeconds = 0;
  for (const p of perPid.values()) {
    if (p.comm === 'postgres') postgresSeconds += p.seconds;
    else redisSeconds += p.seconds;
  }
  return {
    busySeconds: (user + nice + system) / CLOCK_TICKS,
    irqSeconds: (irq + softirq) / CLOCK_TICKS,
    stealSeconds: steal / CLOCK_TICKS,
    postgresSeconds, redisSeconds, perPid,
  };
}

/** CPU used between two snapshots (PostgreSQL/Redis counted for processes present in both). */
export function machineCpuDelta(a: MachineCpu, b: MachineCpu): { busySeconds: number; irqSeconds: number; stealSeconds: number; postgresSeconds: number; redisSeconds: number } {
  let postgresSeconds = 0;
  let redisSeconds = 0;
  for (const [pid, end] of b.perPid) {
    const start = a.perPid.get(pid)?.seconds ?? 0; // a process started during the window used all its CPU in it
    if (end.comm === 'postgres') postgresSeconds += end.seconds - start;
    else redisSeconds += end.seconds - start;
  }
  return {
    busySeconds: round(b.busySeconds - a.busySeconds, 2),
    irqSeconds: round(b.irqSeconds - a.irqSeconds, 2),
    stealSeconds: round(b.stealSeconds - a.stealSeconds, 2),
    postgresSeconds: round(postgresSeconds, 2), redisSeconds: round(redisSeconds, 2),
  };
}

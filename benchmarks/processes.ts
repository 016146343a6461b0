// The server processes under test: spawn with this very Node binary, wait for /health, sample RSS and
// CPU from /proc while a measurement runs, stop them (also on Ctrl-C).
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** The last lines of the process log (for error messages). */
  logTail(lines?: number): string;
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const running = new Set<ServerProcess>();

export interface StartOptions {
  name: string;
  script: string;
  port: number;
  env: Record<string, string>;
  logDir: string;
  /** Extra Node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  cwd: string;
}

/** Spawns `node <script>` with process.execPath; output goes to <logDir>/<name>.log. */
export function startServer(opts: StartOptions): ServerProcess {
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.script], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not spawn ${opts.name}`);
  const proc: ServerProcess = {
    name: opts.name,
    url: `http://127.0.0.1:${opts.port}`,
    pid: child.pid,
    child,
    logFile,
    logTail(lines = 30) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
  running.add(proc);
  child.once('exit', () => running.delete(proc));
  return proc;
}

/** Polls GET /health until it answers 200; fails early when the process exits. */
export async function waitHealthy(proc: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before it was healthy:\n${proc.logTail()}`);
    }
    try {
      const res = await fetch(`${proc.url}/health`, { signal: AbortSignal.timeout(2000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`${proc.name} not healthy after ${timeoutMs} ms (last: ${last}):\n${proc.logTail()}`);
}

/** SIGTERM, then SIGKILL after the grace period. */
export async function stopServer(proc: ServerProcess, graceMs = 8000): Promise<void> {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => stopServer(p)));
}

/** Synchronous last resort (process 'exit' handler): every child still running gets SIGKILL. */
export function killAllNow(): void {
  for (const p of running) {
    try {
      p.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

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
export function startSampler(procs: ServerProcess[], intervalMs = 100): Sampler {
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

// Gives memory back to the OS when the gateway is idle: one full, memory-reducing GC once the app is ready
// (before it listens), and another once the process has been quiet for a minute after serving load; and bounds how far
// the heap grows under load (boundHeapGrowth). V8 keeps start-up's
// and a load burst's garbage in old space until a GC that an idle process may not trigger for a long time:
// measured, the built gateway sat at 107 MB RSS for 30 s after start, and at 90 MB after one such GC
// (benchmarks/findings.md). The GC takes ~40 ms of one core and only runs when nothing else does.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

let v8Gc: Gc | undefined;

/** V8's gc() without exposing it as a global to every module (how Jest's --logHeapUsage gets it). */
function gcFunction(): Gc {
  if (!v8Gc) {
    setFlagsFromString('--expose-gc');
    v8Gc = runInNewContext('gc') as Gc; // a fresh context is created with the flag on, so it has `gc`
    setFlagsFromString('--no-expose-gc');
  }
  return v8Gc;
}

/**
 * From now on the old generation grows to 2x its live size between major GCs, instead of V8's adaptive
 * factor (up to 4x for a small heap): peak RSS under the benchmark's 50 connections 173–185 MB instead of
 * 198–238, no measurable CPU cost. Set at run time, after start-up: as a command-line flag it also
 * changes start-up's GCs and left idle RSS 3–7 MB higher (benchmarks/findings.md). V8 reads the flag at
 * every heap-limit computation; Node leaves flags writable after start (v8.setFlagsFromString).
 */
export function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=100');
}

/**
 * A full GC that also compacts old space, flushes unused bytecode and shrinks the young generation, so the
 * freed pages go back to the OS at once ("last resort": V8's own answer to memory pressure).
 */
export function compactHeap(): void {
  gcFunction()({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

export interface IdleCompactionOptions {
  /** How often the process's CPU use is read. */
  checkEveryMs: number;
  /** A check interval below this share of one core counts as quiet. */
  quietCpuShare: number;
  /** How many quiet intervals in a row make the process idle. */
  quietChecks: number;
  /** CPU time (ms) spent since the last compaction for an idle spell to be worth a compaction. */
  minBusyCpuMs: number;
}

/**
 * A minute of quiet, not a lull between bursts: the compaction throws away the warm state of the next burst
 * (it shrinks the young generation and the heap limits and flushes compiled code). Measured, a gateway
 * compacting after every 5 s lull spent 1.2–1.6x the CPU per request in the 4 s of load that followed a
 * 20 s pause (benchmarks/findings.md, fifth round).
 */
export const IDLE_COMPACTION: IdleCompactionOptions = { checkEveryMs: 5000, quietCpuShare: 0.02, quietChecks: 12, minBusyCpuMs: 2000 };

/**
 * The decision, from CPU readings alone (no per-request work): compact once the process has been quiet for
 * `quietChecks` intervals in a row and enough work was done since the last compaction to have left garbage
 * worth returning.
 */
export class IdleDetector {
  private busyMs = 0;
  private quietInARow = 0;
  private readonly opts: IdleCompactionOptions;

  constructor(opts: IdleCompactionOptions) {
    this.opts = opts;
  }

  /** One reading: CPU ms used during the last `intervalMs`. True when it is time to compact. */
  observe(cpuMs: number, intervalMs: number): boolean {
    this.busyMs += cpuMs;
    if (cpuMs > intervalMs * this.opts.quietCpuShare) {
      this.quietInARow = 0;
      return false;
    }
    this.quietInARow++;
    if (this.quietInARow < this.opts.quietChecks || this.busyMs < this.opts.minBusyCpuMs) return false;
    this.busyMs = 0;
    return true;
  }
}

/** Compacts whenever the process turns quiet after load; the timer never keeps the process alive. */
export function compactWhenIdle(opts: IdleCompactionOptions = IDLE_COMPACTION, compact: () => void = compactHeap): { stop(): void } {
  const detector = new IdleDetector(opts);
  let last = process.cpuUsage();
  let lastAt = performance.now();
  const timer = setInterval(() => {
    const used = process.cpuUsage(last);
    const now = performance.now();
    const quiet = detector.observe((used.user + used.system) / 1000, now - lastAt);
    if (quiet) compact();
    last = process.cpuUsage(); // after the compaction: its own CPU is not load
    lastAt = performance.now();
  }, opts.checkEveryMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

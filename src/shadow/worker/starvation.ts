// Whether a replay that timed out was starved rather than slow. The worker runs at the lowest priority: with
// the clients' threads taking every core it can get no CPU for seconds, mid-run. Its event loop is then late
// while the process uses little CPU. A slow native handler waits with the loop on time; a spinning one keeps
// the loop late but burns CPU. A starved run is skipped (`busy`), never a native timeout the gate would count.

/** How often the loop's punctuality is sampled (a wake-up of an otherwise idle worker: cheap). */
const TICK_MS = 50;
/** Samples kept: enough to cover any run up to the watchdog's limit. */
const KEPT = 2000;

export interface StarvationFacts {
  timeoutMs: number;
  /** The most the event loop was late during the run, in ms. */
  lateMs: number;
  /** The process's CPU time (all threads) during the run, and the run's wall time, in ms. */
  cpuMs: number;
  wallMs: number;
}

/** Starved: the loop was late by a quarter of the timeout or more while the process used under half a core. */
export function wasStarved({ timeoutMs, lateMs, cpuMs, wallMs }: StarvationFacts): boolean {
  return lateMs >= timeoutMs / 4 && cpuMs < wallMs / 2;
}

export class StarvationWatch {
  private readonly at = new Float64Array(KEPT);
  private readonly late = new Float64Array(KEPT);
  private next = 0;
  private expected = performance.now() + TICK_MS;

  constructor() {
    setInterval(() => {
      const now = performance.now();
      this.at[this.next % KEPT] = now;
      this.late[this.next % KEPT] = Math.max(0, now - this.expected);
      this.next++;
      this.expected = now + TICK_MS;
    }, TICK_MS).unref(); // lives as long as the worker, never keeping it alive
  }

  /** A run's start: pass it to `starved` when the run timed out. */
  mark(): { at: number; cpu: NodeJS.CpuUsage } {
    return { at: performance.now(), cpu: process.cpuUsage() };
  }

  /** Whether the run started at `since` was starved (see wasStarved), judged now. */
  starved(since: { at: number; cpu: NodeJS.CpuUsage }, timeoutMs: number): boolean {
    const now = performance.now();
    let lateMs = 0;
    for (let i = Math.max(0, this.next - KEPT); i < this.next; i++) {
      if (this.at[i % KEPT] >= since.at) lateMs = Math.max(lateMs, this.late[i % KEPT]);
    }
    // A tick still pending now is late too (the loop has not come round to it yet).
    lateMs = Math.max(lateMs, now - this.expected);
    const used = process.cpuUsage(since.cpu);
    return wasStarved({ timeoutMs, lateMs, cpuMs: (used.user + used.system) / 1000, wallMs: now - since.at });
  }

}

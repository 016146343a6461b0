// Starvation: the replay worker runs at the lowest priority, so with the clients' threads taking every core it
// gets no CPU for seconds, mid-run. That time is the clients', not the native handler's: a run's time limit
// does not count it (up to the sample's wait allowance), and a run that still times out starved is skipped
// (`busy`), never a native timeout the gate would count.
import { readFileSync } from 'node:fs';

/** How often the loop's punctuality is sampled (a wake-up of an otherwise idle worker: cheap). */
const TICK_MS = 50;
/** Samples kept: enough to cover any run up to the watchdog's limit. */
const KEPT = 2000;
/** Extensions shorter than this are not worth another timer. */
const MIN_EXTENSION_MS = 5;

export interface StarvationFacts {
  timeoutMs: number;
  /** The most the event loop was late during the run, in ms. */
  lateMs: number;
  /** The process's CPU time (all threads) during the run, and the run's wall time, in ms. */
  cpuMs: number;
  wallMs: number;
  /** How long the main thread waited for a core during the run (ready to run, not running), in ms; null where unknown. */
  coreWaitMs: number | null;
}

/**
 * Starved: the main thread waited for a core a quarter of the timeout or more (it was ready, the scheduler
 * ran others), or, where that is unknown or the process was stopped outright, the loop was late by a quarter
 * of the timeout while the process used under half a core. A slow query waits asleep (neither); a spinning
 * handler burns its own CPU.
 */
export function wasStarved({ timeoutMs, lateMs, cpuMs, wallMs, coreWaitMs }: StarvationFacts): boolean {
  if (coreWaitMs !== null && coreWaitMs >= timeoutMs / 4) return true;
  return lateMs >= timeoutMs / 4 && cpuMs < wallMs / 2;
}

let schedstatReadable = true;
/** The main thread's run-queue wait so far (field 2 of /proc/self/schedstat, ns), in ms; null off Linux or without schedstats. */
export function coreWaitMs(): number | null {
  if (!schedstatReadable) return null;
  try {
    const ns = Number(readFileSync('/proc/self/schedstat', 'latin1').split(' ')[1]);
    if (Number.isFinite(ns)) return ns / 1e6;
  } catch { /* not Linux, or no CONFIG_SCHED_INFO */ }
  schedstatReadable = false;
  return null;
}

/**
 * Arms a run's time limit that does not count time the main thread waited for a core: when `timeoutMs` is
 * up, the wait since the start is granted back (at most `extraMs` in all) before `expire` is called.
 * Returns the cancel.
 */
export function starvationAwareLimit(timeoutMs: number, extraMs: number, expire: () => void, waited: () => number | null = coreWaitMs): () => void {
  const start = waited();
  let granted = 0;
  let timer: NodeJS.Timeout;
  const check = () => {
    const now = waited();
    const owed = start === null || now === null ? 0 : Math.min(now - start, extraMs) - granted;
    if (owed < MIN_EXTENSION_MS) return expire();
    granted += owed;
    timer = setTimeout(check, owed);
  };
  timer = setTimeout(check, timeoutMs);
  return () => clearTimeout(timer);
}

export interface RunStart {
  at: number;
  cpu: NodeJS.CpuUsage;
  coreWait: number | null;
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
  mark(): RunStart {
    return { at: performance.now(), cpu: process.cpuUsage(), coreWait: coreWaitMs() };
  }

  /** Whether the run started at `since` was starved (see wasStarved), judged now. */
  starved(since: RunStart, timeoutMs: number): boolean {
    const now = performance.now();
    let lateMs = 0;
    for (let i = Math.max(0, this.next - KEPT); i < this.next; i++) {
      if (this.at[i % KEPT] >= since.at) lateMs = Math.max(lateMs, this.late[i % KEPT]);
    }
    // A tick still pending now is late too (the loop has not come round to it yet).
    lateMs = Math.max(lateMs, now - this.expected);
    const used = process.cpuUsage(since.cpu);
    const waitNow = coreWaitMs();
    const coreWait = since.coreWait === null || waitNow === null ? null : waitNow - since.coreWait;
    return wasStarved({ timeoutMs, lateMs, cpuMs: (used.user + used.system) / 1000, wallMs: now - since.at, coreWaitMs: coreWait });
  }
}

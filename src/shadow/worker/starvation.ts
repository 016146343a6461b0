// Starvation: the replay worker runs at the lowest priority, so with the clients' threads taking every core it
// gets no CPU for seconds, mid-run. That time is the clients', not the native handler's: a run's time limit
// does not count it (up to the sample's wait allowance), and a run that still times out starved is skipped
// (`busy`), never a native timeout the gate would count.
import { openSync, readFileSync, readSync } from 'node:fs';

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

/** schedstat's second field (ns a thread was ready and not running), in ms. */
function runQueueWaitMs(schedstatText: string): number | null {
  const ns = Number(schedstatText.split(' ')[1]);
  return Number.isFinite(ns) ? ns / 1e6 : null;
}

/** Kept open: a read is then one pread, no open and close per sample. */
let schedstat: number | null | undefined;
const schedstatBuf = Buffer.alloc(128);
/** The main thread's run-queue wait so far (field 2 of /proc/self/schedstat, ns), in ms; null off Linux or without schedstats. */
export function coreWaitMs(): number | null {
  if (schedstat === undefined) {
    try {
      schedstat = openSync('/proc/self/schedstat', 'r');
    } catch {
      schedstat = null; // not Linux, or no CONFIG_SCHED_INFO
    }
  }
  if (schedstat === null) return null;
  const n = readSync(schedstat, schedstatBuf, 0, schedstatBuf.length, 0);
  return runQueueWaitMs(schedstatBuf.toString('latin1', 0, n));
}

/** Another process's main-thread run-queue wait so far, in ms (the gateway's watchdog reads its worker's); null when unreadable. */
export function coreWaitMsOf(pid: number): number | null {
  try {
    return runQueueWaitMs(readFileSync(`/proc/${pid}/schedstat`, 'latin1'));
  } catch {
    return null; // gone, not Linux, or no schedstats
  }
}

/**
 * Arms a run's time limit that does not count time the main thread waited for a core: when `timeoutMs` is
 * up, the wait since `startWait` (coreWaitMs at the run's start) is granted back, at most `extraMs` in all,
 * before `expire` is called. Returns the cancel.
 */
export function starvationAwareLimit(timeoutMs: number, extraMs: number, expire: () => void, startWait: number | null, waited: () => number | null = coreWaitMs): () => void {
  let granted = 0;
  let timer: NodeJS.Timeout;
  const check = () => {
    const now = startWait === null ? null : waited();
    const owed = startWait === null || now === null ? 0 : Math.min(now - startWait, extraMs) - granted;
    if (owed < MIN_EXTENSION_MS) return expire();
    granted += owed;
    timer = setTimeout(check, owed);
  };
  timer = setTimeout(check, timeoutMs);
  return () => clearTimeout(timer);
}

/** Where a run started, as of the watch's last tick (reading the clocks per run costs more than the run's own syscalls). */
export interface RunStart {
  at: number;
  cpuMs: number;
  coreWait: number | null;
}

const cpuMsNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export class StarvationWatch {
  private readonly at = new Float64Array(KEPT);
  private readonly late = new Float64Array(KEPT);
  private next = 0;
  private expected = performance.now() + TICK_MS;
  private last: RunStart = { at: performance.now(), cpuMs: cpuMsNow(), coreWait: coreWaitMs() };

  constructor() {
    setInterval(() => {
      const now = performance.now();
      this.at[this.next % KEPT] = now;
      this.late[this.next % KEPT] = Math.max(0, now - this.expected);
      this.next++;
      this.expected = now + TICK_MS;
      this.last = { at: now, cpuMs: cpuMsNow(), coreWait: coreWaitMs() };
    }, TICK_MS).unref(); // lives as long as the worker, never keeping it alive
  }

  /** A run's start (as of the last tick, at most TICK_MS earlier): pass it to `starved` when the run timed out. */
  mark(): RunStart {
    return this.last;
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
    const waitNow = coreWaitMs();
    const coreWait = since.coreWait === null || waitNow === null ? null : waitNow - since.coreWait;
    return wasStarved({ timeoutMs, lateMs, cpuMs: cpuMsNow() - since.cpuMs, wallMs: now - since.at, coreWaitMs: coreWait });
  }
}

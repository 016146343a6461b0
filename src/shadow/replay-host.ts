// The gateway's side of the replay worker (src/shadow/worker/): starts the worker thread while some feature
// is shadowed and stops it once none has been for STOP_AFTER_MS, hands it each captured sample and resolves
// the outcome. A worker that crashes fails its runs (`errored: exception`) and is restarted with backoff;
// one that stops answering (a native handler spinning) is terminated: its runs count as timeouts.
import { Worker } from 'node:worker_threads';
import type { Captured } from './compare.ts';
import type { ReplayOutcome, ReplaySettings, Sample } from './replay.ts';
import type { Config } from '../config/config.ts';
import type { FromWorker, ReplayWorkerData, ToWorker } from './worker/protocol.ts';

/** The worker runs `.ts` from the sources and `.js` from the build, as this file does. */
const WORKER_URL = new URL(`./worker/replay-worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);
/** A quick flip back to shadow should not pay a cold start. */
export const STOP_AFTER_MS = 5_000;
/** How long past its own timeout a run may stay unanswered before the worker is judged stuck. */
const STUCK_GRACE_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** The worker's heap is bounded: running out ends the worker (then restarted), never the gateway. */
const MAX_OLD_GENERATION_MB = 256;

export interface ReplayHostOptions {
  config: Config;
  settings: ReplaySettings;
  /** Whether some feature is sampled right now (read every `checkMs`). */
  needed: () => boolean;
  checkMs?: number;
  onEvent?: (msg: string, err?: unknown) => void;
}

interface Pending {
  done: (outcome: ReplayOutcome) => void;
  /** When the run's clock started (the worker being ready); null while the worker starts. */
  armedAt: number | null;
}

/** How often unanswered runs are checked against their deadline (one timer for all, not one per run). */
const WATCHDOG_MS = 250;

export interface ReplayState {
  running: boolean;
  ready: boolean;
  starts: number;
  crashes: number;
}

export class ReplayHost {
  private readonly opts: ReplayHostOptions;
  private worker: Worker | null = null;
  private ready = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private starts = 0;
  private crashes = 0;
  /** Crashes since the worker last became ready: the backoff doubles with each. */
  private crashesInARow = 0;
  private notBefore = 0;
  private idleSince: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | null = null;

  constructor(opts: ReplayHostOptions) {
    this.opts = opts;
  }

  /**
   * Checks the need every `checkMs`: starts the worker as soon as a feature is sampled, stops it once none
   * has been for STOP_AFTER_MS. Never waits for the worker: the gateway's start and its clients do not depend
   * on it (samples taken while it starts wait in the budget's slots).
   */
  watch(): void {
    const check = () => {
      if (this.opts.needed()) {
        this.idleSince = null;
        this.ensureStarted();
      } else if (this.worker && this.pending.size === 0) {
        this.idleSince ??= Date.now();
        if (Date.now() - this.idleSince >= STOP_AFTER_MS) void this.stopWorker();
      }
    };
    check();
    this.timer = setInterval(check, this.opts.checkMs ?? 1000);
    this.timer.unref();
  }

  get state(): ReplayState {
    return { running: this.worker !== null, ready: this.ready, starts: this.starts, crashes: this.crashes };
  }

  /** The worker's V8 heap, while it runs. */
  async heap(): Promise<{ usedBytes: number; totalBytes: number } | null> {
    const w = this.worker;
    if (!w) return null;
    const h = await w.getHeapStatistics().catch(() => null);
    return h && { usedBytes: h.used_heap_size, totalBytes: h.total_heap_size };
  }

  /**
   * Replays one sample (starting the worker when needed) and calls `done` once with its outcome. Express's
   * body is handed over to the worker thread (moved, not copied) when it owns its whole memory.
   */
  run(sample: Sample, express: Captured, done: (outcome: ReplayOutcome) => void): void {
    const worker = this.ensureStarted();
    if (!worker) {
      done({ kind: 'skipped', reason: 'unavailable' }); // backing off after a crash, or still stopping
      return;
    }
    const id = this.nextId++;
    const now = Date.now();
    this.pending.set(id, { done, armedAt: this.ready ? now : null });
    const { body } = express;
    const owned = body.buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
    const msg: ToWorker = { type: 'job', id, postedAt: now, sample, express };
    worker.postMessage(msg, owned ? [body.buffer] : []);
  }

  /** Stops watching and stops the worker (shutdown; the caller has drained the runs first). */
  close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.watchdog);
    return this.stopWorker();
  }

  /** Stops the worker after its runs end (graceful: it closes its pools), or terminates it after `graceMs`. */
  private stopWorker(graceMs = 5_000): Promise<void> {
    const worker = this.worker;
    if (!worker) return this.stopping ?? Promise.resolve();
    this.stopping = new Promise<void>((resolve) => {
      const kill = setTimeout(() => void worker.terminate(), graceMs);
      worker.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      worker.postMessage({ type: 'close' } satisfies ToWorker);
    }).finally(() => { this.stopping = null; });
    this.detach(worker, 'exception');
    return this.stopping;
  }

  private ensureStarted(): Worker | null {
    if (this.worker) return this.worker;
    if (Date.now() < this.notBefore || this.stopping) return null;
    const data: ReplayWorkerData = { config: this.opts.config, settings: this.opts.settings };
    const worker = new Worker(WORKER_URL, {
      workerData: data, name: 'shadow-replay', resourceLimits: { maxOldGenerationSizeMb: MAX_OLD_GENERATION_MB },
    });
    worker.unref(); // never what keeps the gateway's process alive
    this.worker = worker;
    this.ready = false;
    this.starts++;
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') {
        this.ready = true;
        this.crashesInARow = 0;
        const now = Date.now();
        for (const p of this.pending.values()) p.armedAt ??= now;
        return;
      }
      for (const r of msg.results) this.settle(r.id, r.outcome);
    });
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => this.checkDeadlines(worker), WATCHDOG_MS);
    this.watchdog.unref();
    worker.on('error', (err) => this.opts.onEvent?.('shadow replay worker failed; restarting it when needed', err));
    worker.on('exit', () => {
      if (this.worker !== worker) return; // stopped on purpose
      this.crashes++;
      this.crashesInARow++;
      this.notBefore = Date.now() + Math.min(1000 * 2 ** (this.crashesInARow - 1), MAX_BACKOFF_MS);
      this.detach(worker, 'exception');
    });
    return worker;
  }

  /** Forgets `worker`: its unanswered runs end now, errored for `reason`. */
  private detach(worker: Worker, reason: 'exception' | 'timeout'): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.ready = false;
    for (const id of [...this.pending.keys()]) this.settle(id, { kind: 'errored', reason, nativeStatus: null });
  }

  /** A run unanswered past its timeout plus a grace: that run timed out, and the worker is stuck (terminated). */
  private checkDeadlines(worker: Worker): void {
    if (this.worker !== worker) {
      clearInterval(this.watchdog);
      return;
    }
    // A run may wait up to maxWaitMs for the thread, then take up to timeoutMs.
    const limit = Date.now() - (this.opts.settings.maxWaitMs + this.opts.settings.timeoutMs + STUCK_GRACE_MS);
    for (const [id, p] of this.pending) {
      if (p.armedAt === null || p.armedAt > limit) continue;
      this.settle(id, { kind: 'errored', reason: 'timeout', nativeStatus: null });
      this.opts.onEvent?.('shadow replay worker stopped answering; restarting it');
      this.detach(worker, 'timeout');
      void worker.terminate();
      return;
    }
  }

  private settle(id: number, outcome: ReplayOutcome): void {
    const p = this.pending.get(id);
    if (!p) return; // already settled (timed out, or the worker went away)
    this.pending.delete(id);
    p.done(outcome);
  }
}

// The per-instance budget of shadow runs: at most `maxConcurrent` at once, none while the event loop lags
// (p99 delay over the last half second above `maxLagMs`, from perf_hooks.monitorEventLoopDelay).
import { monitorEventLoopDelay } from 'node:perf_hooks';

type IntervalHistogram = ReturnType<typeof monitorEventLoopDelay>;

export type Admission = 'ok' | 'busy' | 'lag';

export interface BudgetOptions {
  maxConcurrent: number;
  maxLagMs: number;
  /** How often the lag is judged (default 500 ms). */
  sampleMs?: number;
}

export class ShadowBudget {
  private readonly opts: BudgetOptions;
  private running = 0;
  private lagging = false;
  private histogram: IntervalHistogram | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: BudgetOptions) {
    this.opts = opts;
  }

  start(): void {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => {
      const h = this.histogram!;
      this.lagging = h.count > 0 && h.percentile(99) / 1e6 > this.opts.maxLagMs;
      h.reset();
    }, this.opts.sampleMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram?.disable();
  }

  get inFlight(): number {
    return this.running;
  }

  /** Whether a new run may start now; on `ok` the caller must `release()` when the run ends. */
  acquire(): Admission {
    if (this.lagging) return 'lag';
    if (this.running >= this.opts.maxConcurrent) return 'busy';
    this.running++;
    return 'ok';
  }

  release(): void {
    this.running--;
  }
}

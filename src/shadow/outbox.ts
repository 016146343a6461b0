// Items handed to a sender in batches: at most `windowMs` after the first one waited, or at once when
// `maxBatch` wait. Both ends of the replay worker's channel send this way — samples from the gateway
// (replay-host.ts), outcomes from the worker (worker/replay-worker.ts) — since each message wakes the other side.
export interface OutboxOptions<T> {
  windowMs: number;
  maxBatch: number;
  send: (batch: T[]) => void;
}

export class Outbox<T> {
  private items: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly opts: OutboxOptions<T>;

  constructor(opts: OutboxOptions<T>) {
    this.opts = opts;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.opts.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.windowMs);
  }

  /** Sends what waits now (nothing when empty). */
  flush(): void {
    const batch = this.take();
    if (batch.length) this.opts.send(batch);
  }

  /** Forgets what waits, unsent, and returns it. */
  take(): T[] {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.items;
    this.items = [];
    return batch;
  }
}

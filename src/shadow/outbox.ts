// Items handed to a sender in batches: at most `windowMs` after the first one waited, or at once when
// `maxBatch` wait. The replay host sends samples to its worker this way (replay-host.ts says why).
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

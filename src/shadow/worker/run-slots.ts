// How many replays the worker runs at once. Samples arrive as fast as the clients' requests (up to
// SHADOW_MAX_CONCURRENT), but the replay app has a handful of database connections: started all at once, a
// burst's runs would queue for a connection inside their 2 s, and under starvation the pool's own wait for
// one (2 s, then a 503) gives first. Beyond the slots a sample waits unstarted, its wait counted against
// SHADOW_MAX_WAIT_MS like any other (replay.ts: waitedTooLong), and its run's clock starts with its slot.

export class RunSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  /** Resolves when a slot is this caller's; `release` it once the run has ended. */
  acquire(): Promise<void> {
    if (this.running < this.size) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight on: `running` stays
    else this.running--;
  }
}

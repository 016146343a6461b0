// Pushes this instance's recorder into the shared window every interval, as numbered batches. A push that
// fails (Redis down, or a command that timed out during a stall and may still reach Redis later) keeps its
// batch and sends it again, in order, until Redis confirms it; Redis adds each batch at most once
// (shared-window.ts), so every recorded request is counted exactly once, late if the link was down.
// A batch whose seconds have all left the retention is dropped: nothing reads those seconds any more.
import type { Recorder } from './recorder.ts';
import { RETENTION_SECONDS, type Batch, type WindowStore } from './shared-window.ts';

export class WindowPush {
  private readonly recorder: Recorder;
  private readonly store: WindowStore;
  private readonly intervalMs: number;
  private readonly warn: (msg: string, err: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private lastWarning = 0;
  private seq = 0;
  /** Batches Redis has not confirmed yet, oldest first. */
  private readonly unconfirmed: Batch[] = [];
  private running: Promise<void> | undefined;

  constructor(recorder: Recorder, store: WindowStore, intervalMs: number, warn: (msg: string, err: unknown) => void) {
    this.recorder = recorder;
    this.store = store;
    this.intervalMs = intervalMs;
    this.warn = warn;
  }

  /** Batches waiting for Redis (for tests and the log). */
  get backlog(): number {
    return this.unconfirmed.length;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** One push round; a round still running (a stalled link) is joined, not doubled. */
  flush(): Promise<void> {
    this.running ??= this.pushAll().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async pushAll(): Promise<void> {
    const drainedAt = Math.floor(Date.now() / 1000) - 1; // the seconds before this one are complete in the drain
    const deltas = this.recorder.drain();
    if (deltas.size) this.unconfirmed.push({ seq: ++this.seq, deltas });
    this.dropExpired();
    try {
      while (this.unconfirmed.length) {
        await this.store.push(this.unconfirmed[0]);
        this.unconfirmed.shift();
      }
      // Every batch is in: the leader may count this instance complete up to here (shared-window.ts, lagging).
      await this.store.confirm(drainedAt);
    } catch (err) {
      this.warnAtMost(`shared window push failed; ${this.unconfirmed.length} batch(es) kept and resent until Redis confirms them`, err);
    }
  }

  private dropExpired(): void {
    const oldest = Math.floor(Date.now() / 1000) - RETENTION_SECONDS;
    let dropped = 0;
    while (this.unconfirmed.length && Math.max(...this.unconfirmed[0].deltas.keys()) < oldest) {
      this.unconfirmed.shift();
      dropped++;
    }
    if (dropped) this.warnAtMost(`shared window: ${dropped} unconfirmed batch(es) older than the retention dropped`, null);
  }

  private warnAtMost(msg: string, err: unknown): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.warn(msg, err);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.flush();
    // A clean stop says so, so the leader does not wait for an instance that is gone (a crash: forgotten later).
    await this.store.leave().catch(() => {});
  }
}

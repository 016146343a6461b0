// Pushes this instance's recorder into the shared window every interval. A failed push (Redis down) is
// dropped, not retried: the window is for judging recent health, and stale counts would only mislead.
import type { Recorder } from './recorder.ts';
import type { WindowStore } from './shared-window.ts';

export class WindowPush {
  private readonly recorder: Recorder;
  private readonly store: WindowStore;
  private readonly intervalMs: number;
  private readonly warn: (msg: string, err: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private lastWarning = 0;

  constructor(recorder: Recorder, store: WindowStore, intervalMs: number, warn: (msg: string, err: unknown) => void) {
    this.recorder = recorder;
    this.store = store;
    this.intervalMs = intervalMs;
    this.warn = warn;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    try {
      await this.store.push(this.recorder.drain());
    } catch (err) {
      if (Date.now() - this.lastWarning > 10_000) {
        this.lastWarning = Date.now();
        this.warn('shared window push failed; this instance is missing from the guard until it recovers', err);
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

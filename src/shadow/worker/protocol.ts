// The messages between the gateway's thread (src/shadow/replay-host.ts) and the replay worker
// (replay-worker.ts), sent by structured clone: a Buffer arrives as a plain Uint8Array (its memory moved, not
// copied, when the gateway could hand it over).
import type { Config } from '../../config/config.ts';
import type { ReplayOutcome, ReplaySettings, Sample } from '../replay.ts';

export interface ReplayWorkerData {
  config: Config;
  settings: ReplaySettings;
}

/** Express's answer as the client got it. */
export interface WireCaptured {
  status: number;
  contentType: string | undefined;
  body: Uint8Array;
}

export type ToWorker =
  /** `postedAt`: Date.now() when the gateway posted it (a sample that waited too long is skipped). */
  | { type: 'job'; id: number; postedAt: number; sample: Sample; express: WireCaptured }
  | { type: 'close' };

/** Outcomes travel in batches (see RESULT_BATCH_MS): one wake-up of the gateway's thread for several runs. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'results'; results: Array<{ id: number; outcome: ReplayOutcome }> };

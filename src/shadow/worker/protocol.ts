// The messages between the gateway (src/shadow/replay-host.ts) and the replay worker process
// (replay-worker.ts), over the worker's IPC channel with Node's `advanced` serialization (structured clone):
// a Buffer arrives as a plain Uint8Array.
import type { Config } from '../../config/config.ts';
import type { ReplayOutcome, ReplaySettings, Sample } from '../replay.ts';

/** Express's answer as the client got it. */
export interface WireCaptured {
  status: number;
  contentType: string | undefined;
  body: Uint8Array;
}

/** One sample to replay. `postedAt`: Date.now() when the gateway took it (a sample that waited too long is skipped). */
export interface Job { id: number; postedAt: number; sample: Sample; express: WireCaptured }

export type ToWorker =
  /** The first message: what the worker builds its capsule instance from. */
  | { type: 'start'; config: Config; settings: ReplaySettings }
  /** Several samples per message (JOB_BATCH_MS in replay-host.ts): each message is a write on the clients' thread that wakes the worker. */
  | { type: 'jobs'; jobs: Job[] }
  | { type: 'heap' }
  | { type: 'close' };

/** Outcomes travel in batches (see RESULT_BATCH_MS): one wake-up of the gateway's thread for several runs. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'results'; results: Array<{ id: number; outcome: ReplayOutcome }> }
  | { type: 'heap'; heap: { usedBytes: number; totalBytes: number; rssBytes: number } };

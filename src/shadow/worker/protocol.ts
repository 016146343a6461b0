// The messages between the gateway's thread (src/shadow/replay-host.ts) and the replay worker
// (replay-worker.ts), sent by structured clone: a Buffer arrives as a plain Uint8Array.
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
  | { type: 'job'; id: number; sample: Sample; express: WireCaptured }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; outcome: ReplayOutcome };

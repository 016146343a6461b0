// One shadow replay (run by the replay worker, src/shadow/worker/): the native capsule's answer to a sampled
// read, and for noise calibration Express's second answer, compared with what Express gave the client. The
// outcome is small (values cut to what the report keeps) because it crosses back to the gateway's thread.
import { compareAnswers, type Captured, type Comparison } from './compare.ts';
import { truncateValue, type ErrorReason, type SkipReason } from './tally.ts';
import { watchExternalCalls } from './worker/externals.ts';
import type { Violation } from '../contract/openapi-validator.ts';

/** A shadowed request as the replay sends it: no body (safe methods only), headers already filtered. */
export interface Sample {
  feature: string;
  route: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  requestId: string;
  /** The client request's trace context (W3C headers) when the gateway traces: the replay's trace links to it. */
  trace?: Record<string, string>;
}

/** A backend call that answers a captured response or throws (`signal` aborts it at the timeout). */
export type Backend = (sample: Sample, signal: AbortSignal) => Promise<Captured>;

/** What became of one sample; `nativeStatus` null when the native run gave no answer. */
export type ReplayOutcome =
  /** `contract`: what is wrong with Express's answer by the OpenAPI document (contract-check.ts); null when not checked. */
  | { kind: 'compared'; nativeStatus: number; result: Comparison; calibration: Comparison | null; contract: Violation[] | null }
  | { kind: 'skipped'; reason: SkipReason }
  | { kind: 'errored'; reason: ErrorReason; nativeStatus: number | null };

export interface ReplaySettings {
  timeoutMs: number;
  /** How long a sample may wait for the replay worker before it is skipped (`busy`). */
  maxWaitMs: number;
  /** Share (0..100) of replays for which Express is called a second time (noise calibration). */
  noiseRate: number;
  /** At most this many of those per route per second (calibration.ts). */
  noiseMaxPerSecond: number;
  maxBodyBytes: number;
  matchById: boolean;
}

export interface ReplayParts {
  native: Backend;
  express: Backend;
  settings: ReplaySettings;
  /** Whether a replay of this feature's route calls Express a second time (calibration.ts). */
  calibrate: (feature: string, route: string) => boolean;
  /** Express's answer checked against the contract (contract-check.ts); null when it cannot be. */
  checkContract: (route: string, answer: Captured) => Violation[] | null;
  /** Arms the run's time limit (calls `expire` when it is up, returns the cancel); default: `timeoutMs` of wall time. */
  limit?: (expire: () => void) => () => void;
}

/**
 * Whether a sample waited too long for the replay worker to be worth running: at the lowest priority the
 * worker gets little CPU while the clients' threads want all of it, and a replay then gives way (skipped
 * `busy`) rather than time out and count as a native error. The wait counts from the post, or from the
 * worker's start for samples posted while it started.
 */
export function waitedTooLong(postedAt: number, readyAt: number, now: number, maxWaitMs: number): boolean {
  return now - Math.max(postedAt, readyAt) > maxWaitMs;
}

/** Thrown by a backend whose answer is over the body limit. */
export class BodyTooLargeError extends Error {}

export class ShadowTimeoutError extends Error {}

/** Differing values cut as the report stores them (idempotent: the report cuts them again). */
function slim(c: Comparison): Comparison {
  return { ...c, diffs: c.diffs.map((d) => ({ path: d.path, express: truncateValue(d.express), native: truncateValue(d.native) })) };
}

function wallClockLimit(timeoutMs: number, expire: () => void): () => void {
  const timer = setTimeout(expire, timeoutMs);
  return () => clearTimeout(timer);
}

export async function replaySample(sample: Sample, express: Captured, { native, express: again, settings, calibrate: picked, checkContract, limit }: ReplayParts): Promise<ReplayOutcome> {
  const ac = new AbortController();
  const expire = () => ac.abort(new ShadowTimeoutError());
  const cancel = limit ? limit(expire) : wallClockLimit(settings.timeoutMs, expire);
  const calibrate = picked(sample.feature, sample.route);
  try {
    const [watched, second] = await Promise.all([
      watchExternalCalls(() => native(sample, ac.signal)),
      calibrate ? again(sample, ac.signal).catch(() => null) : Promise.resolve(null),
    ]);
    if (watched.refused) return { kind: 'skipped', reason: 'external' };
    const answer = watched.result;
    if (answer.status === 'rejected') {
      if (answer.reason instanceof BodyTooLargeError) return { kind: 'skipped', reason: 'too_large' };
      return { kind: 'errored', reason: ac.signal.aborted ? 'timeout' : 'exception', nativeStatus: null };
    }
    const nativeStatus = answer.value.status;
    if (nativeStatus >= 500 && express.status < 500) return { kind: 'errored', reason: 'native_5xx', nativeStatus };
    const calibration = second ? compareAnswers(express, second, { matchById: settings.matchById }) : null;
    const result = compareAnswers(express, answer.value, { matchById: settings.matchById });
    return { kind: 'compared', nativeStatus, result: slim(result), calibration: calibration && slim(calibration), contract: checkContract(sample.route, express) };
  } finally {
    cancel();
  }
}

// Takes sampled safe requests (GET and HEAD only: a write through both backends would apply twice) from the
// proxy's answer, captures Express's body as it streams to the client, hands the sample to the replay
// (another process: src/shadow/replay-host.ts) once the body has ended, and records the outcome. The client
// only ever gets Express's bytes: the capture only listens to the proxy's stream, and nothing of the replay runs on
// the client's path.
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { Captured } from './compare.ts';
import type { ShadowBudget } from './budget.ts';
import type { ShadowRecorder } from './recorder.ts';
import type { RouteTemplates } from '../routing/route-templates.ts';
import type { ReplayOutcome, Sample } from './replay.ts';
import type { SkipReason } from './tally.ts';
import { captureBody, type CaptureOutcome } from './capture.ts';

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export interface RunnerParts {
  budget: ShadowBudget;
  recorder: ShadowRecorder;
  templates: RouteTemplates;
  /** Replays a sample and calls `done` once with its outcome. `express.body` is sent to another process. */
  replay: (sample: Sample, express: Captured, done: (outcome: ReplayOutcome) => void) => void;
  maxBodyBytes: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization',
  'proxy-connection', 'content-length', 'host', 'expect']);
/** A replay is never part of the client's trace (docs/observability.md): its calls carry no trace context of the client's. */
const TRACE_CONTEXT = new Set(['traceparent', 'tracestate', 'baggage']);

/** The client's headers as a replay sends them: hop-by-hop and trace-context headers dropped, lists joined. */
export function replayHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || TRACE_CONTEXT.has(k)) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export class ShadowRunner {
  private readonly p: RunnerParts;
  private inFlight = 0;
  private drained: Array<() => void> = [];

  constructor(parts: RunnerParts) {
    this.p = parts;
  }

  /** The route template a sample is reported under. */
  routeOf(method: string, url: string): string {
    return this.p.templates.match(method, url) ?? `${method} (no native route)`;
  }

  /** A sampled request that is not compared at all (e.g. its token did not verify): counted, never run. */
  skip(feature: string, route: string, reason: SkipReason): void {
    this.p.recorder.skipped(feature, route, reason);
  }

  /**
   * Called with Express's proxied answer for a sampled request: returns the stream to send to the client,
   * always the proxy's own (a sampled body is copied as it flows: capture.ts).
   */
  tap(sample: Sample, status: number, contentType: string | undefined, contentLength: number | undefined, body: Readable, destination: EventEmitter): Readable {
    const { recorder, budget, maxBodyBytes } = this.p;
    if (contentLength !== undefined && contentLength > maxBodyBytes) {
      recorder.skipped(sample.feature, sample.route, 'too_large');
      return body;
    }
    const admission = budget.acquire();
    if (admission !== 'ok') {
      recorder.skipped(sample.feature, sample.route, admission === 'busy' ? 'busy' : 'lag');
      return body;
    }
    // What the client gets checks the copy: no body for HEAD, 204 and 304, else the announced length (if any).
    const expected = sample.method !== 'GET' || status === 204 || status === 304 ? 0 : contentLength;
    captureBody(body, destination, maxBodyBytes, expected, (outcome) => this.captured(sample, status, contentType, outcome));
    return body;
  }

  /**
   * The copy of Express's body is complete (or is not): hands the sample to the replay. What waits for the
   * outcome holds only what the record needs (RecordKey), not the sample: a run waits tens of milliseconds,
   * and what it holds is what a young-generation collection in that time would move to the old generation.
   */
  private captured(sample: Sample, status: number, contentType: string | undefined, outcome: CaptureOutcome): void {
    const { recorder, budget } = this.p;
    if (outcome.kind !== 'complete') {
      budget.release();
      recorder.skipped(sample.feature, sample.route, outcome.kind);
      return;
    }
    // A callback, not a promise: a sample costs the clients' thread as few allocations as it can.
    this.inFlight++;
    const key: RecordKey = { feature: sample.feature, route: sample.route, method: sample.method, query: queryOf(sample.url), expressStatus: status };
    this.p.replay(sample, { status, contentType, body: outcome.body }, (result) => this.settled(key, result));
  }

  private settled(key: RecordKey, outcome: ReplayOutcome): void {
    this.p.budget.release();
    this.inFlight--;
    try {
      this.record(key, outcome);
    } finally {
      if (this.inFlight === 0) for (const resolve of this.drained.splice(0)) resolve();
    }
  }

  /** Waits for the runs in flight (shutdown). */
  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private record(key: RecordKey, outcome: ReplayOutcome): void {
    const { recorder } = this.p;
    const { feature, route, expressStatus } = key;
    const base = { method: key.method, route, query: key.query };
    if (outcome.kind === 'skipped') recorder.skipped(feature, route, outcome.reason);
    else if (outcome.kind === 'errored') recorder.errored(feature, route, outcome.reason, { ...base, status: { express: expressStatus, native: outcome.nativeStatus } });
    else recorder.compared(feature, route, outcome.result, outcome.calibration, { ...base, status: { express: expressStatus, native: outcome.nativeStatus } }, outcome.contract);
  }
}

/** What recording a sample's outcome needs of it. */
interface RecordKey {
  feature: string;
  route: string;
  method: string;
  /** The query string as an example shows it (queryOf). */
  query: string;
  expressStatus: number;
}

function queryOf(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return '';
  const query = url.slice(q + 1);
  return query.length > 200 ? `${query.slice(0, 199)}…` : query;
}

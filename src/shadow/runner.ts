// Runs sampled safe requests (GET and HEAD only: a write through both backends would apply twice) through
// the native capsule after Express's answer has been captured, compares, and records. The client only ever
// gets Express's bytes: the capture is a pass-through stream, and the native run starts after the capture
// ended, inside the per-instance budget, and can neither delay nor fail the client's answer.
import type { Readable } from 'node:stream';
import { compareAnswers, type Captured, type Comparison } from './compare.ts';
import type { ShadowBudget } from './budget.ts';
import type { ShadowRecorder } from './recorder.ts';
import type { RouteTemplates } from './route-templates.ts';
import { captureStream } from './capture.ts';

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** A shadowed request as the runner replays it: no body (safe methods only), headers already filtered. */
export interface Sample {
  feature: string;
  route: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  requestId: string;
}

/** A backend call that answers a captured response or throws (`signal` aborts it at the timeout). */
export type Backend = (sample: Sample, signal: AbortSignal) => Promise<Captured>;

export interface RunnerSettings {
  timeoutMs: number;
  /** Share (0..100) of shadowed requests for which Express is called a second time (noise calibration). */
  noiseRate: number;
  maxBodyBytes: number;
  matchById: boolean;
}

export interface RunnerParts {
  budget: ShadowBudget;
  recorder: ShadowRecorder;
  templates: RouteTemplates;
  native: Backend;
  express: Backend;
  settings: RunnerSettings;
}

/** Thrown by a backend whose answer is over the body limit. */
export class BodyTooLargeError extends Error {}

export class ShadowTimeoutError extends Error {}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization',
  'proxy-connection', 'content-length', 'host', 'expect']);

/** The client's headers as a replay sends them: hop-by-hop headers and any claimed shadow mark dropped. */
export function replayHeaders(headers: Record<string, string | string[] | undefined>, drop: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || k === drop) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export class ShadowRunner {
  private readonly p: RunnerParts;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(parts: RunnerParts) {
    this.p = parts;
  }

  /** The route template a sample is reported under. */
  routeOf(method: string, url: string): string {
    return this.p.templates.match(method, url) ?? `${method} (no native route)`;
  }

  /**
   * Called with Express's proxied answer for a sampled request: returns the stream to send to the client
   * (a pass-through capture, or the original stream when the sample is skipped).
   */
  tap(sample: Sample, status: number, contentType: string | undefined, contentLength: number | undefined, body: Readable): Readable {
    const { recorder, budget, settings } = this.p;
    if (contentLength !== undefined && contentLength > settings.maxBodyBytes) {
      recorder.skipped(sample.feature, sample.route, 'too_large');
      return body;
    }
    const admission = budget.acquire();
    if (admission !== 'ok') {
      recorder.skipped(sample.feature, sample.route, admission === 'busy' ? 'busy' : 'lag');
      return body;
    }
    return captureStream(body, settings.maxBodyBytes, (outcome) => {
      if (outcome.kind !== 'complete') {
        budget.release();
        if (outcome.kind === 'too_large') recorder.skipped(sample.feature, sample.route, 'too_large');
        else recorder.skipped(sample.feature, sample.route, 'aborted');
        return;
      }
      const express: Captured = { status, contentType, body: outcome.body };
      const run = this.run(sample, express).finally(() => {
        budget.release();
        this.inFlight.delete(run);
      });
      this.inFlight.add(run);
    });
  }

  /** Waits for the runs in flight (shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(sample: Sample, express: Captured): Promise<void> {
    const { recorder, settings } = this.p;
    const base = { method: sample.method, route: sample.route, query: queryOf(sample.url) };
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new ShadowTimeoutError()), settings.timeoutMs);
    const calibrate = Math.random() * 100 < settings.noiseRate;
    try {
      const [native, second] = await Promise.allSettled([
        this.p.native(sample, ac.signal),
        calibrate ? this.p.express(sample, ac.signal) : Promise.resolve(null),
      ]);
      if (native.status === 'rejected') {
        if (native.reason instanceof BodyTooLargeError) return recorder.skipped(sample.feature, sample.route, 'too_large');
        const timedOut = ac.signal.aborted;
        recorder.errored(sample.feature, sample.route, timedOut ? 'timeout' : 'exception', { ...base, status: { express: express.status, native: null } });
        return;
      }
      const answer = native.value;
      if (answer.status >= 500 && express.status < 500) {
        recorder.errored(sample.feature, sample.route, 'native_5xx', { ...base, status: { express: express.status, native: answer.status } });
        return;
      }
      let calibration: Comparison | null = null;
      if (second.status === 'fulfilled' && second.value) calibration = compareAnswers(express, second.value, { matchById: settings.matchById });
      const result = compareAnswers(express, answer, { matchById: settings.matchById });
      recorder.compared(sample.feature, sample.route, result, calibration, { ...base, status: { express: express.status, native: answer.status } });
    } catch {
      recorder.errored(sample.feature, sample.route, 'exception', { ...base, status: { express: express.status, native: null } });
    } finally {
      clearTimeout(timer);
    }
  }
}

function queryOf(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return '';
  const query = url.slice(q + 1);
  return query.length > 200 ? `${query.slice(0, 199)}…` : query;
}

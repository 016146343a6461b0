// Takes sampled safe requests (GET and HEAD only: a write through both backends would apply twice) from the
// proxy's answer, captures Express's body as it streams to the client, hands the sample to the replay
// (another thread: src/shadow/replay-host.ts) once the body has ended, and records the outcome. The client
// only ever gets Express's bytes: the capture is a pass-through stream, and nothing of the replay runs on
// the client's path.
import type { Readable } from 'node:stream';
import type { Captured } from './compare.ts';
import type { ShadowBudget } from './budget.ts';
import type { ShadowRecorder } from './recorder.ts';
import type { RouteTemplates } from '../routing/route-templates.ts';
import type { ReplayOutcome, Sample } from './replay.ts';
import type { SkipReason } from './tally.ts';
import { captureStream } from './capture.ts';

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export interface RunnerParts {
  budget: ShadowBudget;
  recorder: ShadowRecorder;
  templates: RouteTemplates;
  /** Replays a sample and resolves its outcome (never rejects). */
  replay: (sample: Sample, express: Captured) => Promise<ReplayOutcome>;
  maxBodyBytes: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization',
  'proxy-connection', 'content-length', 'host', 'expect']);

/** The client's headers as a replay sends them: hop-by-hop headers dropped, lists joined. */
export function replayHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k)) continue;
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

  /** A sampled request that is not compared at all (e.g. its token did not verify): counted, never run. */
  skip(feature: string, route: string, reason: SkipReason): void {
    this.p.recorder.skipped(feature, route, reason);
  }

  /**
   * Called with Express's proxied answer for a sampled request: returns the stream to send to the client
   * (a pass-through capture, or the original stream when the sample is skipped).
   */
  tap(sample: Sample, status: number, contentType: string | undefined, contentLength: number | undefined, body: Readable): Readable {
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
    return captureStream(body, maxBodyBytes, (outcome) => {
      if (outcome.kind !== 'complete') {
        budget.release();
        recorder.skipped(sample.feature, sample.route, outcome.kind);
        return;
      }
      const run = this.p.replay(sample, { status, contentType, body: outcome.body })
        .then((result) => this.record(sample, status, result))
        .finally(() => {
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

  private record(sample: Sample, expressStatus: number, outcome: ReplayOutcome): void {
    const { recorder } = this.p;
    const base = { method: sample.method, route: sample.route, query: queryOf(sample.url) };
    if (outcome.kind === 'skipped') recorder.skipped(sample.feature, sample.route, outcome.reason);
    else if (outcome.kind === 'errored') recorder.errored(sample.feature, sample.route, outcome.reason, { ...base, status: { express: expressStatus, native: outcome.nativeStatus } });
    else recorder.compared(sample.feature, sample.route, outcome.result, outcome.calibration, { ...base, status: { express: expressStatus, native: outcome.nativeStatus } });
  }
}

function queryOf(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return '';
  const query = url.slice(q + 1);
  return query.length > 200 ? `${query.slice(0, 199)}…` : query;
}

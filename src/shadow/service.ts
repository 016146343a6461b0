// Shadow traffic for one gateway instance: decides which proxied answers are sampled (stage `shadow` at the
// feature's shadowRate; Express-side canary requests at SHADOW_CANARY_RATE; GET and HEAD only), has them
// replayed by the replay worker (running only while some feature is sampled), and serves the shared report
// and the gate. Framework wiring is in shadow-plugin.ts.
import type { Readable } from 'node:stream';
import type { Config } from '../config/config.ts';
import type { FlagStore } from '../../flags/store.ts';
import { FEATURE_NAMES, featureForPath, type FeatureName, type Stage } from '../../flags/registry.ts';
import { ShadowBudget } from './budget.ts';
import { ShadowRecorder, type ShadowResult } from './recorder.ts';
import { featureReport, type FeatureReport } from './report.ts';
import type { ResultsStore } from './results-store.ts';
import type { RouteTemplates } from '../routing/route-templates.ts';
import { ShadowRunner, SAFE_METHODS, replayHeaders } from './runner.ts';
import { ReplayHost, type ReplayHeap, type ReplayState, type WorkerCgroup } from './replay-host.ts';
import { checkShadowGate, type GateOutcome } from './gate.ts';
import type { ProxiedReply, ProxiedRequest, ShadowTap } from './tap.ts';
import { processTracing } from '../telemetry/process-tracing.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface ShadowServiceParts {
  config: Config;
  flags: FlagStore;
  store: ResultsStore;
  templates: RouteTemplates;
  onResult: (feature: string, route: string, result: ShadowResult) => void;
  onFlushError: (err: unknown) => void;
  onReplayEvent: (msg: string, err?: unknown) => void;
}

export class ShadowService implements ShadowTap {
  readonly settings;
  private readonly flags: FlagStore;
  private readonly store: ResultsStore;
  private readonly budget: ShadowBudget;
  private readonly recorder: ShadowRecorder;
  private readonly runner: ShadowRunner;
  private readonly replay: ReplayHost;
  /** No legacy app: nothing to compare with, no replay worker ever. */
  private readonly replayPossible: boolean;

  constructor(p: ShadowServiceParts) {
    const c = p.config;
    this.settings = {
      maxConcurrent: c.SHADOW_MAX_CONCURRENT, timeoutMs: c.SHADOW_TIMEOUT_MS, maxLagMs: c.SHADOW_MAX_LAG_MS,
      noiseRate: c.SHADOW_NOISE_RATE, noiseMaxPerSecond: c.SHADOW_NOISE_MAX_PER_SECOND, canaryRate: c.SHADOW_CANARY_RATE, matchById: c.SHADOW_MATCH_BY_ID,
      maxBodyBytes: MAX_BODY_BYTES, retentionHours: c.SHADOW_RETENTION_HOURS, maxExamples: c.SHADOW_MAX_EXAMPLES,
      gate: { minComparisons: c.SHADOW_GATE_MIN_COMPARISONS, maxMismatchRate: c.SHADOW_GATE_MAX_MISMATCH_RATE },
    };
    this.flags = p.flags;
    this.replayPossible = Boolean(c.LEGACY_URL);
    this.store = p.store;
    this.budget = new ShadowBudget({ maxConcurrent: c.SHADOW_MAX_CONCURRENT, maxLagMs: c.SHADOW_MAX_LAG_MS });
    this.recorder = new ShadowRecorder(p.store, {
      flushMs: c.SHADOW_FLUSH_MS, maxExamples: c.SHADOW_MAX_EXAMPLES, retentionMs: c.SHADOW_RETENTION_HOURS * 3_600_000,
      onResult: p.onResult, onFlushError: p.onFlushError,
    });
    this.replay = new ReplayHost({
      config: c,
      settings: { timeoutMs: c.SHADOW_TIMEOUT_MS, maxWaitMs: c.SHADOW_MAX_WAIT_MS, noiseRate: c.SHADOW_NOISE_RATE, noiseMaxPerSecond: c.SHADOW_NOISE_MAX_PER_SECOND, maxBodyBytes: MAX_BODY_BYTES, matchById: c.SHADOW_MATCH_BY_ID },
      needed: () => this.replayPossible && FEATURE_NAMES.some((f) => this.rateFor(f) > 0),
      lingerMs: c.SHADOW_WORKER_LINGER_MS,
      cgroup: workerCgroup(c.SHADOW_WORKER_CGROUP),
      onEvent: p.onReplayEvent,
    });
    this.runner = new ShadowRunner({
      budget: this.budget, recorder: this.recorder, templates: p.templates, maxBodyBytes: MAX_BODY_BYTES,
      replay: (sample, express, done) => this.replay.run(sample, express, done),
    });
  }

  start(): void {
    this.budget.start();
    this.recorder.start();
  }

  /** Before the gateway listens: what the first worker start would otherwise do on the clients' thread. */
  prepareReplay(): void {
    if (this.replayPossible) this.replay.prepare();
  }

  /** Starts and stops the replay worker with the need from now on (a sample before this starts it too). */
  watchReplay(): void {
    this.replay.watch();
  }

  async stop(): Promise<void> {
    await this.runner.drain();
    await this.replay.close();
    this.budget.stop();
    await this.recorder.stop();
  }

  /** The replay worker right now (the admin report shows it). */
  async replayState(): Promise<ReplayState & { heap: ReplayHeap | null }> {
    return { ...this.replay.state, heap: await this.replay.heap() };
  }

  /** The share (0..100) of this feature's proxied safe requests to shadow right now. */
  private rateFor(feature: FeatureName): number {
    const stage = this.flags.stageOf(feature);
    if (stage === 'shadow') return this.flags.state(feature).shadowRate;
    if (stage === 'canary') return this.settings.canaryRate;
    return 0;
  }

  tap(request: ProxiedRequest, reply: ProxiedReply, body: Readable): Readable {
    if (!SAFE_METHODS.has(request.method)) return body; // a write through both backends would apply twice
    const feature = (request.feature ?? featureForPath(request.url))?.name;
    if (!feature) return body;
    const rate = this.rateFor(feature);
    if (rate <= 0 || (rate < 100 && Math.random() * 100 >= rate)) return body;
    // Only verified traffic is evidence for the gate (docs/progressive-delivery.md, "What counts as evidence"):
    // an anonymous or refused request would be a free "match" (both backends answer 401), so it is counted apart.
    if (request.user === null || reply.statusCode === 401 || reply.statusCode === 403) {
      this.runner.skip(feature, this.runner.routeOf(request.method, request.url), 'unverified');
      return body;
    }
    const contentType = reply.getHeader('content-type');
    const length = reply.getHeader('content-length');
    return this.runner.tap(
      { feature, route: this.runner.routeOf(request.method, request.url), method: request.method, url: request.url,
        headers: replayHeaders(request.headers), requestId: request.id, trace: processTracing()?.carrier() },
      reply.statusCode,
      Array.isArray(contentType) ? contentType[0] : contentType === undefined ? undefined : String(contentType),
      length === undefined ? undefined : Number(length),
      body,
      reply.raw,
    );
  }

  /** The report across every instance (this instance's pending results are flushed first). */
  async report(feature: string): Promise<FeatureReport> {
    await this.recorder.flush();
    return featureReport(feature, await this.store.read(feature));
  }

  async reset(features: readonly string[]): Promise<void> {
    this.recorder.discard(features);
    await this.store.reset(features);
  }

  /** The gate PUT /admin/flags calls before a stage change (throws ShadowGateError → 409). */
  gate(feature: FeatureName, from: Stage, to: Stage, force: boolean): Promise<GateOutcome> {
    return checkShadowGate((f) => this.report(f), feature, from, to, force, this.settings.gate);
  }
}

/** SHADOW_WORKER_CGROUP as the replay host takes it. */
function workerCgroup(setting: string): WorkerCgroup {
  if (setting === 'auto') return 'auto';
  return setting === '' || setting === 'none' ? null : { path: setting };
}

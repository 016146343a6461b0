// Records each shadow sample's outcome into this instance's pending tallies and flushes them to the shared
// results store every `flushMs` (a failed flush is merged back and retried). Also reports each outcome to a
// callback (the Prometheus counter).
import type { Comparison } from './compare.ts';
import type { Violation } from '../contract/openapi-validator.ts';
import { fieldPattern } from './compare.ts';
import { randomUUID } from 'node:crypto';
import type { Batch, ResultsStore } from './results-store.ts';
import {
  bump, emptyTally, exampleFields, signatureOf, trimExamples,
  type ErrorReason, type Example, type RouteTally, type SkipReason,
} from './tally.ts';

/** The label of `gateway_shadow_comparisons_total{result}`. `noise`: differences on noise fields only. */
/** Failed batches kept for retry during a store outage (one per flush interval). */
const MAX_FAILED_BATCHES = 120;

export type ShadowResult = 'matched' | 'mismatched' | 'noise' | 'skipped' | 'errored';

export interface RecorderOptions {
  flushMs: number;
  maxExamples: number;
  retentionMs: number;
  onResult?: (feature: string, route: string, result: ShadowResult) => void;
  onFlushError?: (err: unknown) => void;
}

/** What an example says about the request: method, route template and query string, nothing else. */
export type ExampleBase = Pick<Example, 'method' | 'route' | 'query'>;

export class ShadowRecorder {
  private pending = new Map<string, Map<string, RouteTally>>();
  private readonly store: ResultsStore;
  private readonly opts: RecorderOptions;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Batches whose write failed, retried first under the same id (so a write that did land is not counted twice). */
  private failed: Batch[] = [];

  constructor(store: ResultsStore, opts: RecorderOptions) {
    this.store = store;
    this.opts = opts;
  }

  start(): void {
    this.timer = setInterval(() => { void this.flush(); }, this.opts.flushMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private tally(feature: string, route: string): RouteTally {
    let routes = this.pending.get(feature);
    if (!routes) {
      routes = new Map();
      this.pending.set(feature, routes);
    }
    let t = routes.get(route);
    if (!t) {
      t = emptyTally();
      routes.set(route, t);
    }
    return t;
  }

  skipped(feature: string, route: string, reason: SkipReason): void {
    const t = this.tally(feature, route);
    bump(t.counts, 'skipped');
    bump(t.counts, `skipped:${reason}`);
    this.opts.onResult?.(feature, route, 'skipped');
  }

  errored(feature: string, route: string, reason: ErrorReason, example: ExampleBase & { status: Example['status'] }): void {
    const t = this.tally(feature, route);
    bump(t.counts, 'errored');
    bump(t.counts, `errored:${reason}`);
    this.addExample(t, { ...example, at: Date.now(), fields: [], error: reason });
    this.opts.onResult?.(feature, route, 'errored');
  }

  /** A native answer compared with Express's; `calibration` is Express compared with itself, when sampled. */
  compared(feature: string, route: string, result: Comparison, calibration: Comparison | null, example: ExampleBase & { status: Example['status'] }, contract: readonly Violation[] | null = null): ShadowResult {
    const t = this.tally(feature, route);
    bump(t.counts, 'compared');
    if (contract) {
      bump(t.counts, 'contract_checked');
      if (contract.length) bump(t.counts, 'contract_violating');
      for (const key of new Set(contract.map((v) => `${v.path}\t${v.message}`))) bump(t.contract, key);
    }
    let noisy = new Set<string>();
    if (calibration) {
      bump(t.counts, 'calibrated');
      noisy = new Set(calibration.diffs.map((d) => fieldPattern(d.path)));
      for (const p of noisy) bump(t.noise, p);
    }
    let outcome: ShadowResult = 'matched';
    if (result.equal) {
      bump(t.counts, 'equal');
    } else {
      bump(t.counts, 'diffed');
      for (const d of result.diffs) bump(t.paths, d.path);
      for (const p of new Set(result.diffs.map((d) => fieldPattern(d.path)))) bump(t.nativePatterns, p);
      bump(t.signatures, signatureOf(result.diffs, result.truncated));
      this.addExample(t, { ...example, at: Date.now(), fields: exampleFields(result.diffs) });
      // This instance's own view; the admin report judges noise over every calibration of the route.
      outcome = !result.truncated && result.diffs.every((d) => noisy.has(fieldPattern(d.path))) ? 'noise' : 'mismatched';
    }
    this.opts.onResult?.(feature, route, outcome);
    return outcome;
  }

  private addExample(t: RouteTally, e: Example): void {
    t.examples.push(e);
    if (t.examples.length > this.opts.maxExamples * 2) t.examples = trimExamples(t.examples, this.opts.maxExamples, this.opts.retentionMs);
  }

  /** Writes the pending tallies to the store (serialised; a failed batch is retried with its id on the next flush). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size > 0) {
        for (const routes of this.pending.values()) {
          for (const t of routes.values()) t.examples = trimExamples(t.examples, this.opts.maxExamples, this.opts.retentionMs);
        }
        this.failed.push({ id: randomUUID(), tallies: this.pending });
        this.pending = new Map();
      }
      while (this.failed.length) {
        try {
          await this.store.add(this.failed[0]);
          this.failed.shift();
        } catch (err) {
          if (this.failed.length > MAX_FAILED_BATCHES) this.failed.shift(); // a long outage: keep the latest results
          this.opts.onFlushError?.(err);
          return;
        }
      }
    });
    return this.flushing;
  }

  /** Drops this instance's unflushed tallies of these features (a reset). */
  discard(features: readonly string[]): void {
    for (const f of features) {
      this.pending.delete(f);
      for (const b of this.failed) b.tallies.delete(f);
    }
  }
}

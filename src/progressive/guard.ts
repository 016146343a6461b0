// The guard's verdict on one feature's canary, Flagger-style, from the shared window's native and
// legacy figures. Only native can fail it: every legacy figure enters as a baseline that, when it
// gets worse, only loosens the bar — the guard never rolls back because legacy degraded.
import { quantile } from './histogram.ts';
import type { Cell } from './recorder.ts';

export interface GuardThresholds {
  /** Judge only after this many native requests in the window. */
  minRequests: number;
  /** Native success rate must be at least this (0..1). */
  minSuccess: number;
  /** … and at most this much (0..1) below legacy's. */
  maxSuccessGap: number;
  /** Native p99 ≤ max(latencyFactor × legacy p99, legacy p99 + latencySlackMs). */
  latencyFactor: number;
  latencySlackMs: number;
  /** Latency is compared only when legacy has this many requests in the window. */
  minLegacyRequests: number;
}

export const DEFAULT_THRESHOLDS: GuardThresholds = {
  minRequests: 200, minSuccess: 0.99, maxSuccessGap: 0.01, latencyFactor: 1.5, latencySlackMs: 50, minLegacyRequests: 50,
};

export type Verdict = 'insufficient' | 'healthy' | 'breach';

export interface Side { requests: number; errors5xx: number; successRate: number; p99: number }

export interface GuardFigures {
  windowSeconds: number;
  native: Side;
  legacy: Side;
  /** The bars native had to meet. */
  limits: { minSuccessRate: number; maxP99: number | null };
  /** Human-readable breaches (empty when healthy). */
  breaches: string[];
}

export interface Judgement { verdict: Verdict; figures: GuardFigures }

const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

function side(c: Cell): Side {
  return { requests: c.requests, errors5xx: c.errors, successRate: c.requests ? round(1 - c.errors / c.requests) : 1, p99: quantile(c.latency, 0.99) };
}

export function judge(native: Cell, legacy: Cell, windowSeconds: number, t: GuardThresholds = DEFAULT_THRESHOLDS): Judgement {
  const n = side(native);
  const l = side(legacy);
  const legacyBaseline = l.requests > 0 ? l.successRate : 1;
  // Both bars apply (≥ minSuccess and ≥ legacy − gap): a worse legacy lowers only the second one.
  const successBar = round(Math.max(t.minSuccess, legacyBaseline - t.maxSuccessGap));
  const maxP99 = l.requests >= t.minLegacyRequests ? round(Math.max(t.latencyFactor * l.p99, l.p99 + t.latencySlackMs), 1) : null;
  const figures: GuardFigures = { windowSeconds, native: n, legacy: l, limits: { minSuccessRate: successBar, maxP99 }, breaches: [] };
  if (n.requests < t.minRequests) return { verdict: 'insufficient', figures };
  if (n.successRate < t.minSuccess) {
    figures.breaches.push(`native success ${(n.successRate * 100).toFixed(2)}% < ${(t.minSuccess * 100).toFixed(0)}%`);
  }
  if (l.requests > 0 && n.successRate < legacyBaseline - t.maxSuccessGap) {
    figures.breaches.push(`native success ${(n.successRate * 100).toFixed(2)}% more than ${(t.maxSuccessGap * 100).toFixed(0)} point below legacy ${(legacyBaseline * 100).toFixed(2)}%`);
  }
  if (maxP99 !== null && n.p99 > maxP99) {
    figures.breaches.push(`native p99 ${n.p99} ms > ${maxP99} ms (legacy p99 ${l.p99} ms)`);
  }
  return { verdict: figures.breaches.length ? 'breach' : 'healthy', figures };
}

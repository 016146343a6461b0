// GET /admin/live's body: per feature, per side (reads, writes) and backend — and per backend for both sides
// together — the last minute, the last five minutes and a series (60 points of 5 s over the last five
// minutes), all from the shared window: every instance's evidence, with the refused requests apart.
// An unreadable window throws WindowUnavailableError (503 REDIS_UNAVAILABLE), never zeros.
import { FEATURE_NAMES, type Backend, type FeatureName } from '../../flags/registry.ts';
import { SIDES, type Side } from '../../flags/operations.ts';
import { quantile } from './histogram.ts';
import { addCell, cellKey, emptyCell, type Cell, type Deltas } from './recorder.ts';
import { statsOf, type Stats, type WindowStore } from './shared-window.ts';

export const SERIES_STEP_SECONDS = 5;
export const SERIES_POINTS = 60;

export interface Point { t: number; rps: number; refused: number; errorRate: number; p50: number; p99: number }
export interface LiveWindow { '1m': Stats; '5m': Stats; series: Point[] }
type PerBackend = Record<Backend, LiveWindow>;
/** Both sides together per backend (as before sides existed), and each side on its own. */
export type FeatureLive = PerBackend & Record<Side, PerBackend>;
export interface LiveView { shared: boolean; features: Record<string, FeatureLive> }

/** The cells of `sides` on one backend, added up per second. */
function cellsOf(deltas: Deltas, feature: FeatureName, sides: readonly Side[], backend: Backend): Map<number, Cell> {
  const keys = sides.map((side) => cellKey(feature, side, backend));
  const out = new Map<number, Cell>();
  for (const [s, cells] of deltas) {
    for (const key of keys) {
      const c = cells.get(key);
      if (c) out.set(s, addCell(out.get(s) ?? emptyCell(), c));
    }
  }
  return out;
}

function series(perSecond: Map<number, Cell>, end: number): Point[] {
  const points: Point[] = [];
  const first = end - SERIES_STEP_SECONDS * SERIES_POINTS + 1;
  for (let p = 0; p < SERIES_POINTS; p++) {
    const from = first + p * SERIES_STEP_SECONDS;
    const c: Cell = emptyCell();
    for (let s = from; s < from + SERIES_STEP_SECONDS; s++) {
      const x = perSecond.get(s);
      if (x) addCell(c, x);
    }
    points.push({
      t: from * 1000,
      rps: Math.round((c.requests / SERIES_STEP_SECONDS) * 100) / 100,
      refused: c.refused,
      errorRate: c.requests ? Math.round((c.errors / c.requests) * 10_000) / 10_000 : 0,
      p50: quantile(c.latency, 0.5),
      p99: quantile(c.latency, 0.99),
    });
  }
  return points;
}

export async function liveView(window: WindowStore, now = Date.now()): Promise<LiveView> {
  // The current second is still filling: end at the last complete one.
  const end = Math.floor(now / 1000) - 1;
  const deltas = await window.read(end - SERIES_STEP_SECONDS * SERIES_POINTS + 1, end);
  const one = (perSecond: Map<number, Cell>): LiveWindow => {
    const sum = (from: number) => {
      const c = emptyCell();
      for (const [s, x] of perSecond) if (s >= from && s <= end) addCell(c, x);
      return c;
    };
    return { '1m': statsOf(sum(end - 59), 60), '5m': statsOf(sum(end - 299), 300), series: series(perSecond, end) };
  };
  const perBackend = (f: FeatureName, sides: readonly Side[]): PerBackend =>
    ({ express: one(cellsOf(deltas, f, sides, 'express')), fastify: one(cellsOf(deltas, f, sides, 'fastify')) });
  const features: LiveView['features'] = {};
  for (const f of FEATURE_NAMES) {
    features[f] = { ...perBackend(f, SIDES), reads: perBackend(f, ['reads']), writes: perBackend(f, ['writes']) };
  }
  return { shared: window.shared, features };
}

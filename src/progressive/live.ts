// GET /admin/live's body: per feature and backend, the last minute, the last five minutes and a series
// (60 points of 5 s over the last five minutes), all from the shared window — every instance's traffic.
import { FEATURE_NAMES } from '../../flags/registry.ts';
import { addInto, quantile } from './histogram.ts';
import { cellKey, emptyCell, type Cell, type Deltas } from './recorder.ts';
import { statsOf, total, type Stats, type WindowStore } from './shared-window.ts';

export const SERIES_STEP_SECONDS = 5;
export const SERIES_POINTS = 60;

export interface Point { t: number; rps: number; errorRate: number; p50: number; p99: number }
export interface LiveWindow { '1m': Stats; '5m': Stats; series: Point[] }
export interface LiveView { shared: boolean; features: Record<string, { express: LiveWindow; fastify: LiveWindow }> }

function series(deltas: Deltas, key: string, end: number): Point[] {
  const points: Point[] = [];
  const first = end - SERIES_STEP_SECONDS * SERIES_POINTS + 1;
  for (let p = 0; p < SERIES_POINTS; p++) {
    const from = first + p * SERIES_STEP_SECONDS;
    const c: Cell = emptyCell();
    for (let s = from; s < from + SERIES_STEP_SECONDS; s++) {
      const x = deltas.get(s)?.get(key);
      if (!x) continue;
      c.requests += x.requests;
      c.errors += x.errors;
      addInto(c.latency, x.latency);
    }
    points.push({
      t: from * 1000,
      rps: Math.round((c.requests / SERIES_STEP_SECONDS) * 100) / 100,
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
  const one = (key: string): LiveWindow => ({
    '1m': statsOf(total(deltas, key, end - 59, end), 60),
    '5m': statsOf(total(deltas, key, end - 299, end), 300),
    series: series(deltas, key, end),
  });
  const features: LiveView['features'] = {};
  for (const f of FEATURE_NAMES) features[f] = { express: one(cellKey(f, 'express')), fastify: one(cellKey(f, 'fastify')) };
  return { shared: window.shared, features };
}

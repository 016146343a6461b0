// This instance's share of the shared window: per feature, side (reads/writes) and backend, the requests
// that count as evidence (their 5xx and a latency histogram) and, apart, the requests refused before the
// feature's handler (docs/progressive-delivery.md "What counts as evidence"), bucketed by the second they
// finished in. `drain()` hands the accumulated deltas to the window push and starts afresh.
import { bucketIndex, type Histogram } from './histogram.ts';
import { innerMap } from '../infrastructure/inner-map.ts';
import type { Backend } from '../../flags/registry.ts';
import type { Side } from '../../flags/operations.ts';

export interface Cell {
  /** Requests that count as evidence. */
  requests: number;
  /** … of which answered 5xx. */
  errors: number;
  /** Requests refused before the handler (401/403, unverified token, bad body …): never a success, never latency. */
  refused: number;
  latency: Histogram;
}

/** second (epoch s) → "feature|side|backend" → cell. */
export type Deltas = Map<number, Map<string, Cell>>;

export const cellKey = (feature: string, side: Side, backend: Backend) => `${feature}|${side}|${backend}`;
export const emptyCell = (): Cell => ({ requests: 0, errors: 0, refused: 0, latency: new Map() });

/** Adds `from` into `into`. */
export function addCell(into: Cell, from: Cell): Cell {
  into.requests += from.requests;
  into.errors += from.errors;
  into.refused += from.refused;
  for (const [i, n] of from.latency) into.latency.set(i, (into.latency.get(i) ?? 0) + n);
  return into;
}

export class Recorder {
  private pending: Deltas = new Map();
  private lastSecond = -1;
  private lastSlot: Map<string, Cell> | undefined;
  private readonly keys = new Map<string, Map<Side, Map<Backend, string>>>();

  /** A request that counts as evidence: its status (5xx = error) and the server's time on it. */
  record(feature: string, side: Side, backend: Backend, status: number, ms: number, now = Date.now()): void {
    const cell = this.cellOf(feature, side, backend, now);
    cell.requests++;
    if (status >= 500) cell.errors++;
    const i = bucketIndex(ms);
    cell.latency.set(i, (cell.latency.get(i) ?? 0) + 1);
  }

  /** A request refused before the handler: counted, nothing else. */
  refuse(feature: string, side: Side, backend: Backend, now = Date.now()): void {
    this.cellOf(feature, side, backend, now).refused++;
  }

  private cellOf(feature: string, side: Side, backend: Backend, now: number): Cell {
    const second = Math.floor(now / 1000);
    let slot = second === this.lastSecond ? this.lastSlot : undefined;
    if (!slot) {
      slot = innerMap(this.pending, second);
      this.lastSecond = second;
      this.lastSlot = slot;
    }
    const key = this.keyOf(feature, side, backend);
    let cell = slot.get(key);
    if (!cell) {
      cell = emptyCell();
      slot.set(key, cell);
    }
    return cell;
  }

  /** cellKey, remembered: a new string per request would be hashed for every Map lookup. */
  private keyOf(feature: string, side: Side, backend: Backend): string {
    const byBackend = innerMap(innerMap(this.keys, feature), side);
    let key = byBackend.get(backend);
    if (key === undefined) {
      key = cellKey(feature, side, backend);
      byBackend.set(backend, key);
    }
    return key;
  }

  drain(): Deltas {
    const out = this.pending;
    this.pending = new Map();
    this.lastSecond = -1;
    this.lastSlot = undefined;
    return out;
  }
}

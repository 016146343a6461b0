// This instance's share of the shared window: requests, 5xx and a latency histogram per feature and
// backend, bucketed by the second they finished in. `drain()` hands the accumulated deltas to the
// window push (every second) and starts afresh, so memory stays bounded by one push interval.
import { bucketIndex, type Histogram } from './histogram.ts';
import { innerMap } from '../infrastructure/inner-map.ts';

export interface Cell {
  requests: number;
  errors: number;
  latency: Histogram;
}

/** second (epoch s) → "feature|backend" → cell. */
export type Deltas = Map<number, Map<string, Cell>>;

export const cellKey = (feature: string, backend: string) => `${feature}|${backend}`;
export const emptyCell = (): Cell => ({ requests: 0, errors: 0, latency: new Map() });

export class Recorder {
  private pending: Deltas = new Map();
  private lastSecond = -1;
  private lastSlot: Map<string, Cell> | undefined;
  private readonly keys = new Map<string, Map<string, string>>();

  record(feature: string, backend: string, status: number, ms: number, now = Date.now()): void {
    const second = Math.floor(now / 1000);
    let slot = second === this.lastSecond ? this.lastSlot : undefined;
    if (!slot) {
      slot = this.pending.get(second);
      if (!slot) {
        slot = new Map();
        this.pending.set(second, slot);
      }
      this.lastSecond = second;
      this.lastSlot = slot;
    }
    const key = this.keyOf(feature, backend);
    let cell = slot.get(key);
    if (!cell) {
      cell = emptyCell();
      slot.set(key, cell);
    }
    cell.requests++;
    if (status >= 500) cell.errors++;
    const i = bucketIndex(ms);
    cell.latency.set(i, (cell.latency.get(i) ?? 0) + 1);
  }

  /** cellKey, remembered: a new string per request would be hashed for every Map lookup. */
  private keyOf(feature: string, backend: string): string {
    const byBackend = innerMap(this.keys, feature);
    let key = byBackend.get(backend);
    if (key === undefined) {
      key = cellKey(feature, backend);
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

// The shared window every instance contributes to and the leader (and GET /admin/live) reads: per
// second, per feature and backend, requests, 5xx and a latency histogram, added up across instances.
// Redis: one hash per second (`HINCRBY`, so concurrent pushes add up), expiring after 6 minutes.
// Without Redis (a single `make dev` gateway) an in-process window stands in.
import type { Redis } from 'ioredis';
import { addInto, quantile } from './histogram.ts';
import { emptyCell, type Cell, type Deltas } from './recorder.ts';

export const RETENTION_SECONDS = 360;

export interface WindowStore {
  readonly shared: boolean;
  push(deltas: Deltas): Promise<void>;
  /** Per-second cells for the seconds from..to (inclusive, epoch seconds). */
  read(from: number, to: number): Promise<Deltas>;
}

export class RedisWindow implements WindowStore {
  readonly shared = true;
  private readonly redis: Redis;
  private readonly prefix: string;

  /** `namespace` separates deployments sharing one Redis (the database name is used). */
  constructor(redis: Redis, namespace: string) {
    this.redis = redis;
    this.prefix = `pd:${namespace}:w:`;
  }

  async push(deltas: Deltas): Promise<void> {
    if (deltas.size === 0) return;
    const p = this.redis.pipeline();
    for (const [second, cells] of deltas) {
      const key = this.prefix + second;
      for (const [k, c] of cells) {
        p.hincrby(key, `${k}|n`, c.requests);
        if (c.errors) p.hincrby(key, `${k}|e`, c.errors);
        for (const [i, n] of c.latency) p.hincrby(key, `${k}|h${i}`, n);
      }
      p.expire(key, RETENTION_SECONDS);
    }
    const results = await p.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  async read(from: number, to: number): Promise<Deltas> {
    const p = this.redis.pipeline();
    for (let s = from; s <= to; s++) p.hgetall(this.prefix + s);
    const results = (await p.exec()) ?? [];
    const out: Deltas = new Map();
    results.forEach(([err, value], idx) => {
      if (err) throw err;
      const fields = value as Record<string, string>;
      const cells = new Map<string, Cell>();
      for (const [field, raw] of Object.entries(fields)) {
        const cut = field.lastIndexOf('|');
        const key = field.slice(0, cut);
        const kind = field.slice(cut + 1);
        let cell = cells.get(key);
        if (!cell) {
          cell = emptyCell();
          cells.set(key, cell);
        }
        const n = Number(raw);
        if (kind === 'n') cell.requests += n;
        else if (kind === 'e') cell.errors += n;
        else cell.latency.set(Number(kind.slice(1)), n);
      }
      if (cells.size) out.set(from + idx, cells);
    });
    return out;
  }
}

export class LocalWindow implements WindowStore {
  readonly shared = false;
  private readonly seconds: Deltas = new Map();

  async push(deltas: Deltas): Promise<void> {
    for (const [second, cells] of deltas) {
      let slot = this.seconds.get(second);
      if (!slot) {
        slot = new Map();
        this.seconds.set(second, slot);
      }
      for (const [k, c] of cells) {
        const into = slot.get(k) ?? emptyCell();
        into.requests += c.requests;
        into.errors += c.errors;
        addInto(into.latency, c.latency);
        slot.set(k, into);
      }
    }
    const oldest = Math.floor(Date.now() / 1000) - RETENTION_SECONDS;
    for (const s of this.seconds.keys()) if (s < oldest) this.seconds.delete(s);
  }

  async read(from: number, to: number): Promise<Deltas> {
    const out: Deltas = new Map();
    for (const [s, cells] of this.seconds) if (s >= from && s <= to) out.set(s, cells);
    return out;
  }
}

/** One feature/backend's cells added up over the seconds from..to. */
export function total(deltas: Deltas, key: string, from: number, to: number): Cell {
  const sum = emptyCell();
  for (const [s, cells] of deltas) {
    if (s < from || s > to) continue;
    const c = cells.get(key);
    if (!c) continue;
    sum.requests += c.requests;
    sum.errors += c.errors;
    addInto(sum.latency, c.latency);
  }
  return sum;
}

export interface Stats {
  requests: number;
  rps: number;
  errors5xx: number;
  errorRate: number;
  p50: number;
  p99: number;
}

export function statsOf(cell: Cell, seconds: number): Stats {
  return {
    requests: cell.requests,
    rps: Math.round((cell.requests / Math.max(1, seconds)) * 100) / 100,
    errors5xx: cell.errors,
    errorRate: cell.requests ? Math.round((cell.errors / cell.requests) * 10_000) / 10_000 : 0,
    p50: quantile(cell.latency, 0.5),
    p99: quantile(cell.latency, 0.99),
  };
}

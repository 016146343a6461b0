// The shared window every instance contributes to and the leader (and GET /admin/live) reads: per
// second, per feature, side and backend, the evidence counts (requests, 5xx, latency histogram) and the
// refused requests, added up across instances. Redis: one hash per second, expiring after 6 minutes.
// Without Redis (a single `make dev` gateway) an in-process window stands in.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Backend, FeatureName } from '../../flags/registry.ts';
import type { Side } from '../../flags/operations.ts';
import { AppError } from '../policy/errors.ts';
import { quantile } from './histogram.ts';
import { addCell, cellKey, emptyCell, type Cell, type Deltas } from './recorder.ts';

export const RETENTION_SECONDS = 360;

/** One push of an instance's deltas; `seq` grows by one per batch, so a resent batch is recognised. */
export interface Batch {
  seq: number;
  deltas: Deltas;
}

/**
 * The shared window could not be read (Redis down or stalled): there are no figures, so nothing may be
 * decided on them; an admin route that lets it through answers 503 REDIS_UNAVAILABLE.
 */
export class WindowUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('REDIS_UNAVAILABLE', 'The shared window in Redis cannot be read right now');
    this.cause = cause;
  }
}

export interface WindowStore {
  readonly shared: boolean;
  /** Adds a batch; a batch this instance pushed before (same seq) is never added twice. */
  push(batch: Batch): Promise<void>;
  /** Per-second cells for the seconds from..to (inclusive, epoch seconds); WindowUnavailableError when unreadable. */
  read(from: number, to: number): Promise<Deltas>;
  /** This instance's counts up to `second` are all in the window (every batch drained by then is confirmed). */
  confirm(second: number): Promise<void>;
  /** This instance leaves (a clean shutdown): nobody waits for its counts any more. */
  leave(): Promise<void>;
  /**
   * Instances whose counts are late: confirmed below `now - maxLagSec` but heard from within `forgetSec`
   * (an instance silent for longer is gone). While any is late the window is incomplete: no decision.
   */
  lagging(now: number, maxLagSec: number, forgetSec: number): Promise<string[]>;
}

// Applies a batch at most once per (instance, seq): a push that timed out may still reach Redis later and
// is resent meanwhile, and whichever copy comes first is the only one added. KEYS[1] holds the instance's
// last applied seq, KEYS[2..] the per-second hashes; ARGV: seq, retention, then per hash a field count
// followed by field/increment pairs. Batches are sent in seq order, so "seq > last" means "not applied".
const APPLY_ONCE = `
local seq = tonumber(ARGV[1])
if seq <= tonumber(redis.call('GET', KEYS[1]) or '0') then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
local a = 3
for k = 2, #KEYS do
  local n = tonumber(ARGV[a])
  a = a + 1
  for _ = 1, n do
    redis.call('HINCRBY', KEYS[k], ARGV[a], ARGV[a + 1])
    a = a + 2
  end
  redis.call('EXPIRE', KEYS[k], ARGV[2])
end
return 1`;

export class RedisWindow implements WindowStore {
  readonly shared = true;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly seqKey: string;

  /** `namespace` separates deployments sharing one Redis (the database name is used). */
  private readonly marksKey: string;
  private readonly instance: string;

  constructor(redis: Redis, namespace: string, instance: string = randomUUID()) {
    this.redis = redis;
    this.prefix = `pd:${namespace}:w:`;
    this.seqKey = `pd:${namespace}:seq:${instance}`;
    this.marksKey = `pd:${namespace}:confirmed`;
    this.instance = instance;
  }

  async confirm(second: number): Promise<void> {
    await this.redis.multi().hset(this.marksKey, this.instance, second).expire(this.marksKey, RETENTION_SECONDS).exec();
  }

  async leave(): Promise<void> {
    await this.redis.hdel(this.marksKey, this.instance);
  }

  async lagging(now: number, maxLagSec: number, forgetSec: number): Promise<string[]> {
    let marks: Record<string, string>;
    try {
      marks = await this.redis.hgetall(this.marksKey);
    } catch (err) {
      throw new WindowUnavailableError(err);
    }
    return Object.entries(marks)
      .filter(([, s]) => Number(s) < now - maxLagSec && Number(s) >= now - forgetSec)
      .map(([id]) => id);
  }

  async push(batch: Batch): Promise<void> {
    if (batch.deltas.size === 0) return;
    const keys: string[] = [this.seqKey];
    const args: Array<string | number> = [batch.seq, RETENTION_SECONDS];
    for (const [second, cells] of batch.deltas) {
      keys.push(this.prefix + second);
      const pairs: Array<string | number> = [];
      for (const [k, c] of cells) {
        if (c.requests) pairs.push(`${k}|n`, c.requests);
        if (c.errors) pairs.push(`${k}|e`, c.errors);
        if (c.refused) pairs.push(`${k}|r`, c.refused);
        for (const [i, n] of c.latency) pairs.push(`${k}|h${i}`, n);
      }
      args.push(pairs.length / 2, ...pairs);
    }
    // EVAL with the script's text: a few hundred bytes a second, and nothing to reload after a Redis restart.
    await this.redis.eval(APPLY_ONCE, keys.length, ...keys, ...args);
  }

  async read(from: number, to: number): Promise<Deltas> {
    let results: Array<[Error | null, unknown]>;
    try {
      const p = this.redis.pipeline();
      for (let s = from; s <= to; s++) p.hgetall(this.prefix + s);
      results = (await p.exec()) ?? [];
    } catch (err) {
      throw new WindowUnavailableError(err);
    }
    const failed = results.find(([err]) => err);
    if (failed || results.length !== to - from + 1) throw new WindowUnavailableError(failed?.[0]);
    const out: Deltas = new Map();
    results.forEach(([, value], idx) => {
      const cells = parseSecond(value as Record<string, string>);
      if (cells.size) out.set(from + idx, cells);
    });
    return out;
  }
}

/** One second's hash (`feature|side|backend|kind` → count) as cells. */
function parseSecond(fields: Record<string, string>): Map<string, Cell> {
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
    else if (kind === 'r') cell.refused += n;
    else cell.latency.set(Number(kind.slice(1)), n);
  }
  return cells;
}

export class LocalWindow implements WindowStore {
  readonly shared = false;
  private readonly seconds: Deltas = new Map();

  async push(batch: Batch): Promise<void> {
    for (const [second, cells] of batch.deltas) {
      let slot = this.seconds.get(second);
      if (!slot) {
        slot = new Map();
        this.seconds.set(second, slot);
      }
      for (const [k, c] of cells) slot.set(k, addCell(slot.get(k) ?? emptyCell(), c));
    }
    const oldest = Math.floor(Date.now() / 1000) - RETENTION_SECONDS;
    for (const s of this.seconds.keys()) if (s < oldest) this.seconds.delete(s);
  }

  async read(from: number, to: number): Promise<Deltas> {
    const out: Deltas = new Map();
    for (const [s, cells] of this.seconds) if (s >= from && s <= to) out.set(s, cells);
    return out;
  }

  // One instance, in-process: its counts are always all there.
  async confirm(): Promise<void> {}
  async leave(): Promise<void> {}
  async lagging(): Promise<string[]> {
    return [];
  }
}

/**
 * The figures the guard and the ramp judge: one feature side's evidence on one backend, added up over the
 * seconds from..to (inclusive) of what `WindowStore.read` returned.
 */
export function figuresOf(deltas: Deltas, feature: FeatureName, side: Side, backend: Backend, from: number, to: number): Cell {
  const key = cellKey(feature, side, backend);
  const sum = emptyCell();
  for (const [s, cells] of deltas) {
    const c = s >= from && s <= to ? cells.get(key) : undefined;
    if (c) addCell(sum, c);
  }
  return sum;
}

export interface Stats {
  requests: number;
  /** Refused before the handler (not in any other figure). */
  refused: number;
  rps: number;
  errors5xx: number;
  errorRate: number;
  p50: number;
  p99: number;
}

export function statsOf(cell: Cell, seconds: number): Stats {
  return {
    requests: cell.requests,
    refused: cell.refused,
    rps: Math.round((cell.requests / Math.max(1, seconds)) * 100) / 100,
    errors5xx: cell.errors,
    errorRate: cell.requests ? Math.round((cell.errors / cell.requests) * 10_000) / 10_000 : 0,
    p50: quantile(cell.latency, 0.5),
    p99: quantile(cell.latency, 0.99),
  };
}

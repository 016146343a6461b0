// Where shadow results live so every gateway instance adds to one report and a restart loses nothing:
// Redis hashes per feature and route template (every key expires `retentionMs` after its last write;
// examples older than that are dropped on every write). Without Redis, this instance's memory.
import type { Redis } from 'ioredis';
import { emptyTally, mergeTally, trimExamples, type Example, type RouteTally } from './tally.ts';

/** Tallies keyed by feature, then route template; `id` makes a retried write apply at most once. */
export interface Batch {
  id: string;
  tallies: Map<string, Map<string, RouteTally>>;
}

export interface ResultsStore {
  /** Adds a batch; adding the same batch id again changes nothing. */
  add(batch: Batch): Promise<void>;
  read(feature: string): Promise<Map<string, RouteTally>>;
  reset(features: readonly string[]): Promise<void>;
}

export interface RetentionOptions {
  retentionMs: number;
  maxExamples: number;
}

// Applies a batch's commands only if its id was not applied before: a write that timed out on the client
// but reached Redis is retried without counting twice.
const APPLY_ONCE = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', 3600) then return 0 end
for _, op in ipairs(cjson.decode(ARGV[1])) do redis.call(unpack(op)) end
return 1`;

const MAPS = { counts: 'counts', paths: 'paths', nativePatterns: 'npat', noise: 'noise', signatures: 'sig', contract: 'contract' } as const;
type MapKey = keyof typeof MAPS;

export class RedisResultsStore implements ResultsStore {
  private readonly redis: Redis;
  private readonly opts: RetentionOptions;
  private readonly ns: string;

  constructor(redis: Redis, opts: RetentionOptions, namespace: string) {
    this.redis = redis;
    this.opts = opts;
    this.ns = namespace;
  }

  private routesKey(feature: string) { return `${this.ns}${feature}:routes`; }
  private key(feature: string, route: string, part: string) { return `${this.ns}${feature}:r:${route}:${part}`; }

  async add(batch: Batch): Promise<void> {
    const ttl = Math.ceil(this.opts.retentionMs / 1000);
    const now = Date.now();
    const ops: Array<Array<string | number>> = [];
    for (const [feature, routes] of batch.tallies) {
      ops.push(['SADD', this.routesKey(feature), ...routes.keys()], ['EXPIRE', this.routesKey(feature), ttl]);
      for (const [route, t] of routes) {
        for (const m of Object.keys(MAPS) as MapKey[]) {
          if (t[m].size === 0) continue;
          const k = this.key(feature, route, MAPS[m]);
          for (const [field, n] of t[m]) ops.push(['HINCRBY', k, field, n]);
          ops.push(['EXPIRE', k, ttl]);
        }
        const ex = this.key(feature, route, 'ex');
        if (t.examples.length) {
          for (const e of t.examples) ops.push(['ZADD', ex, e.at, JSON.stringify({ ...e, n: Math.random().toString(36).slice(2, 8) })]);
          ops.push(['ZREMRANGEBYRANK', ex, 0, -(this.opts.maxExamples + 1)], ['EXPIRE', ex, ttl]);
        }
        ops.push(['ZREMRANGEBYSCORE', ex, '-inf', now - this.opts.retentionMs]);
      }
    }
    await this.redis.eval(APPLY_ONCE, 1, `${this.ns}batch:${batch.id}`, JSON.stringify(ops));
  }

  async read(feature: string): Promise<Map<string, RouteTally>> {
    const routes = (await this.redis.smembers(this.routesKey(feature))).sort();
    const out = new Map<string, RouteTally>();
    if (!routes.length) return out;
    const p = this.redis.pipeline();
    for (const route of routes) {
      for (const m of Object.keys(MAPS) as MapKey[]) p.hgetall(this.key(feature, route, MAPS[m]));
      p.zrangebyscore(this.key(feature, route, 'ex'), Date.now() - this.opts.retentionMs, '+inf');
    }
    const replies = (await p.exec()) ?? [];
    let i = 0;
    for (const route of routes) {
      const t = emptyTally();
      for (const m of Object.keys(MAPS) as MapKey[]) {
        const [err, value] = replies[i++];
        if (err) throw err;
        for (const [k, v] of Object.entries(value as Record<string, string>)) t[m].set(k, Number(v));
      }
      const [err, members] = replies[i++];
      if (err) throw err;
      t.examples = (members as string[]).map((s) => {
        const { n: _n, ...e } = JSON.parse(s) as Example & { n: string };
        return e;
      }).reverse();
      out.set(route, t);
    }
    return out;
  }

  async reset(features: readonly string[]): Promise<void> {
    for (const feature of features) {
      const keys: string[] = [this.routesKey(feature)];
      let cursor = '0';
      do {
        const [next, found] = await this.redis.scan(cursor, 'MATCH', `${this.ns}${feature}:r:*`, 'COUNT', 500);
        keys.push(...found);
        cursor = next;
      } while (cursor !== '0');
      await this.redis.del(...keys);
    }
  }
}

/** This instance only (no REDIS_URL): the same shape, kept in memory. */
export class MemoryResultsStore implements ResultsStore {
  private readonly data = new Map<string, Map<string, RouteTally>>();
  private readonly opts: RetentionOptions;

  constructor(opts: RetentionOptions) {
    this.opts = opts;
  }

  async add(batch: Batch): Promise<void> {
    for (const [feature, routes] of batch.tallies) {
      let mine = this.data.get(feature);
      if (!mine) {
        mine = new Map();
        this.data.set(feature, mine);
      }
      for (const [route, t] of routes) {
        let into = mine.get(route);
        if (!into) {
          into = emptyTally();
          mine.set(route, into);
        }
        mergeTally(into, t);
        into.examples = trimExamples(into.examples, this.opts.maxExamples, this.opts.retentionMs);
      }
    }
  }

  async read(feature: string): Promise<Map<string, RouteTally>> {
    const routes = this.data.get(feature) ?? new Map<string, RouteTally>();
    for (const t of routes.values()) t.examples = trimExamples(t.examples, this.opts.maxExamples, this.opts.retentionMs);
    return routes;
  }

  async reset(features: readonly string[]): Promise<void> {
    for (const f of features) this.data.delete(f);
  }
}

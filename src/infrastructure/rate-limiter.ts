// The rate limit's counters: one fixed window per client key, shared by every gateway instance through
// Redis, but counted locally on the hot path. Each instance adds its local hits to the Redis counter
// every `syncMs` (one INCRBY per active key, not one round trip per request) and learns the shared total
// from the answer. Once a key's known count reaches half the limit, its requests go to Redis one by one
// (the exact INCR the limit was before), so the refusal itself is exact; so does a key's first hit in
// a window on this instance, to learn the shared count (a client already limited elsewhere stays limited).
//
// Bounded overshoot (docs/rate-limit.md): below half the limit an instance may admit what arrives within
// one sync interval before it learns other instances' counts; a burst reaching N instances within one
// interval can pass at most N × max/2 requests before every instance counts exactly.
import type { Redis } from 'ioredis';

export interface Hit {
  /** Requests counted in the window so far, this one included (as far as this instance knows). */
  current: number;
  /** Milliseconds until the window resets. */
  ttlMs: number;
}

interface Entry {
  /** Total in Redis as of the last answer (includes every hit of ours that was flushed). */
  shared: number;
  /** Our hits not yet sent, and those sent but not yet answered. */
  pending: number;
  inflight: number;
  resetAt: number;
}

// INCRBY, starting the window on its first hit; returns the total and the time left.
const INCR_BY = `
local current = redis.call('INCRBY', KEYS[1], ARGV[1])
if current == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return {current, ttl}`;

type IncrBy = (key: string, n: number, windowMs: number) => Promise<[number, number]>;

export interface RateLimiterOptions {
  max: number;
  windowMs: number;
  /** null: counts stay per instance (no Redis configured). */
  redis: Redis | null;
  prefix: string;
  syncMs?: number;
}

export class SharedRateLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly incrBy: IncrBy | null;
  private readonly exactFrom: number;
  private readonly timer: NodeJS.Timeout;
  private readonly opts: Required<Omit<RateLimiterOptions, 'redis'>>;

  constructor(opts: RateLimiterOptions) {
    this.opts = { syncMs: 100, ...opts };
    this.exactFrom = Math.ceil(opts.max / 2);
    const redis = opts.redis;
    this.incrBy = redis
      ? async (key, n, windowMs) => {
          const [total, ttl] = (await redis.eval(INCR_BY, 1, key, n, windowMs)) as [number, number];
          return [total, ttl];
        }
      : null;
    this.timer = setInterval(() => this.sync(), this.opts.syncMs);
    this.timer.unref();
  }

  private entry(key: string, now: number): Entry {
    let e = this.entries.get(key);
    if (e === undefined || (now >= e.resetAt && e.inflight === 0)) {
      e = { shared: 0, pending: 0, inflight: 0, resetAt: now + this.opts.windowMs };
      this.entries.set(key, e);
    }
    return e;
  }

  /**
   * Counts one request of `key`. Far from the limit the answer is local and synchronous; near it (or
   * over it) the hit is sent to Redis at once and the exact shared total comes back.
   */
  hit(key: string): Hit | Promise<Hit> {
    const now = Date.now();
    const e = this.entry(key, now);
    e.pending++;
    const known = e.shared + e.inflight + e.pending;
    // The first hit of a window on this instance asks Redis, so a client already over the limit
    // elsewhere (or before a restart) is refused at once.
    if ((known < this.exactFrom && known !== 1) || this.incrBy === null) return { current: known, ttlMs: e.resetAt - now };
    return this.flush(key, e).then(
      () => ({ current: e.shared + e.inflight + e.pending, ttlMs: Math.max(0, e.resetAt - Date.now()) }),
      // Redis unavailable: the limit must not block traffic; count locally meanwhile.
      () => ({ current: e.shared + e.inflight + e.pending, ttlMs: Math.max(0, e.resetAt - Date.now()) }),
    );
  }

  /** Sends the key's pending hits; on failure they stay pending (retried at the next sync). */
  private async flush(key: string, e: Entry): Promise<void> {
    const n = e.pending;
    if (n === 0 || this.incrBy === null) return;
    e.pending = 0;
    e.inflight += n;
    try {
      const [total, ttl] = await this.incrBy(this.opts.prefix + key, n, this.opts.windowMs);
      e.shared = total; // answers come back in order (one connection)
      e.resetAt = Date.now() + ttl;
    } catch (err) {
      e.pending += n;
      throw err;
    } finally {
      e.inflight -= n;
    }
  }

  /** Every sync interval: flush every key with local hits, forget windows that are over. */
  sync(): void {
    const now = Date.now();
    for (const [key, e] of this.entries) {
      if (e.pending > 0) this.flush(key, e).catch(() => {});
      else if (now >= e.resetAt && e.inflight === 0) this.entries.delete(key);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.sync();
  }
}

// The flag store: env value as default, runtime overrides persisted in PostgreSQL with an audit trail.
// Every instance polls the overrides (default every second), so a flip reaches all of them within 2 s;
// the per-request read (`backendOf`) is a plain in-memory lookup.
import type { Db } from '../src/db/pool.ts';
import { FlagConfigError, parseEnvFlags, type EnvFlag } from './parse.ts';
import { FEATURES, FEATURE_NAMES, type Backend, type FeatureName } from './registry.ts';

export type FlagSource = 'env' | 'override' | 'default';

export interface FlagState {
  feature: FeatureName;
  backend: Backend;
  source: FlagSource;
  envBackend: Backend;
  changedAt: string | null;
  changedBy: string | null;
}

interface Override { backend: Backend; changedAt: string; changedBy: string }

export interface FlagStoreOptions {
  syncIntervalMs: number;
  /** Features with a native capsule; an override to fastify for any other is refused. */
  nativeFeatures: ReadonlySet<FeatureName>;
  onSyncError?: (err: unknown) => void;
  onChange?: (feature: FeatureName, from: Backend, to: Backend) => void;
}

export class FlagStore {
  private readonly db: Db;
  private readonly env: Record<FeatureName, EnvFlag>;
  private readonly opts: FlagStoreOptions;
  private overrides = new Map<FeatureName, Override>();
  private effective = new Map<FeatureName, Backend>();
  private timer: NodeJS.Timeout | undefined;

  constructor(db: Db, envValues: Record<string, string | undefined>, opts: FlagStoreOptions) {
    this.db = db;
    this.env = parseEnvFlags(envValues);
    this.opts = opts;
    for (const f of FEATURES) {
      if (this.env[f.name].backend === 'fastify' && !opts.nativeFeatures.has(f.name)) {
        throw new FlagConfigError(`${f.envVar}=fastify but the "${f.name}" feature has no native capsule yet; use express`);
      }
    }
    this.recompute();
  }

  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => {
      this.sync().catch((err) => this.opts.onSyncError?.(err));
    }, this.opts.syncIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Hot path: which backend serves this feature right now. No I/O. */
  backendOf(feature: FeatureName): Backend {
    return this.effective.get(feature)!;
  }

  state(feature: FeatureName): FlagState {
    const o = this.overrides.get(feature);
    const env = this.env[feature];
    return {
      feature,
      backend: this.backendOf(feature),
      source: o ? 'override' : env.source,
      envBackend: env.backend,
      changedAt: o?.changedAt ?? null,
      changedBy: o?.changedBy ?? null,
    };
  }

  all(): FlagState[] {
    return FEATURE_NAMES.map((f) => this.state(f));
  }

  canServe(feature: FeatureName, backend: Backend): boolean {
    return backend === 'express' || this.opts.nativeFeatures.has(feature);
  }

  /** Sets runtime overrides (one feature or several, e.g. the global rollback) in one transaction. */
  async set(features: readonly FeatureName[], backend: Backend, who: string): Promise<void> {
    await this.transaction(async (q) => {
      for (const feature of features) {
        const before = this.state(feature).backend;
        await q(`INSERT INTO feature_flag_overrides (feature, backend, changed_by) VALUES ($1, $2, $3)
                 ON CONFLICT (feature) DO UPDATE SET backend = $2, changed_by = $3, changed_at = now()`, [feature, backend, who]);
        await q(`INSERT INTO feature_flag_audit (feature, from_backend, to_backend, action, changed_by) VALUES ($1, $2, $3, 'set', $4)`,
          [feature, before, backend, who]);
      }
    });
    await this.sync();
  }

  /** Drops overrides: back to the env value. */
  async clear(features: readonly FeatureName[], who: string): Promise<void> {
    await this.transaction(async (q) => {
      for (const feature of features) {
        const before = this.state(feature).backend;
        await q('DELETE FROM feature_flag_overrides WHERE feature = $1', [feature]);
        await q(`INSERT INTO feature_flag_audit (feature, from_backend, to_backend, action, changed_by) VALUES ($1, $2, $3, 'clear', $4)`,
          [feature, before, this.env[feature].backend, who]);
      }
    });
    await this.sync();
  }

  async audit(limit = 50): Promise<Array<{ feature: string; action: string; from: string | null; to: string | null; changedBy: string; changedAt: string }>> {
    const { rows } = await this.db.query(
      `SELECT feature, action, from_backend, to_backend, changed_by, changed_at FROM feature_flag_audit ORDER BY id DESC LIMIT $1`, [limit]);
    return rows.map((r) => ({ feature: r.feature, action: r.action, from: r.from_backend, to: r.to_backend, changedBy: r.changed_by, changedAt: r.changed_at.toISOString() }));
  }

  /** Reloads overrides from the database. On failure the last known state stays in force. */
  async sync(): Promise<void> {
    const { rows } = await this.db.query('SELECT feature, backend, changed_by, changed_at FROM feature_flag_overrides');
    const next = new Map<FeatureName, Override>();
    for (const r of rows) {
      if (!FEATURE_NAMES.includes(r.feature)) continue;
      if (!this.canServe(r.feature, r.backend)) {
        this.opts.onSyncError?.(new Error(`override ${r.feature}=${r.backend} ignored: no native capsule in this instance`));
        continue;
      }
      next.set(r.feature, { backend: r.backend, changedBy: r.changed_by, changedAt: r.changed_at.toISOString() });
    }
    this.overrides = next;
    this.recompute();
  }

  private recompute(): void {
    for (const f of FEATURE_NAMES) {
      const before = this.effective.get(f);
      const now = this.overrides.get(f)?.backend ?? this.env[f].backend;
      this.effective.set(f, now);
      if (before && before !== now) this.opts.onChange?.(f, before, now);
    }
  }

  private async transaction(work: (q: (sql: string, params: unknown[]) => Promise<unknown>) => Promise<void>): Promise<void> {
    const client = await this.db.connect();
    try {
      await client.query('BEGIN');
      await work((sql, params) => client.query(sql, params));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}

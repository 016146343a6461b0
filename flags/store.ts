// The flag store: each feature's stage (express | shadow | canary | fastify) with its canary percentage
// and shadow rate. The env value is the default; runtime overrides live in PostgreSQL with an audit
// trail (who, when, from, to, why). Every change NOTIFYs `feature_flags` in its transaction (flag-push
// reloads on it) and every instance also polls, so the last known flags survive a PostgreSQL outage.
// The per-request reads (`stageOf`, `backendFor`) are plain in-memory lookups.
import type { Db } from '../src/db/pool.ts';
import { FlagConfigError, parseEnvFlags, type EnvFlag } from './parse.ts';
import { inCanary } from './bucket.ts';
import { FEATURES, FEATURE_NAMES, UnknownFeatureError, isStage, type Backend, type FeatureName, type Stage } from './registry.ts';

export type FlagSource = 'env' | 'override' | 'default';
export type ChangeReason = 'manual' | 'ramp' | 'guard' | 'forced';
export const FLAG_CHANNEL = 'feature_flags';

export interface StageSetting {
  stage: Stage;
  /** Canary percentage 0..100 (meaningful in the canary stage). */
  percent: number;
  /** Shadow sampling rate 0..100 (meaningful in the shadow stage). */
  shadowRate: number;
}

export interface FlagState extends StageSetting {
  feature: FeatureName;
  /** Who serves the whole feature: fastify only in the fastify stage (a canary splits per user). */
  backend: Backend;
  /** Whether this instance has a native capsule for the feature. */
  native: boolean;
  source: FlagSource;
  envStage: Stage;
  changedAt: string | null;
  changedBy: string | null;
  reason: ChangeReason | null;
}

export interface AuditEntry {
  feature: string;
  action: string;
  from: string | null;
  to: string | null;
  fromPercent: number | null;
  toPercent: number | null;
  reason: ChangeReason;
  details: Record<string, unknown> | null;
  changedBy: string;
  changedAt: string;
}

/** A requested change; `percent` is required for canary, `shadowRate` optional for shadow. */
export interface StageChange {
  stage: Stage;
  percent?: number;
  shadowRate?: number;
}

export interface ChangeMeta {
  who: string;
  reason?: ChangeReason;
  details?: Record<string, unknown>;
  /** Compare-and-set: change only features currently in this stage (the guard and the ramp use it). */
  expectStage?: Stage;
}

/** Bad input to a change (→ 400): names the field. */
export class FlagInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** An env default this instance cannot serve (a stage other than express without a native capsule). */
export class FlagConfigConflict extends FlagConfigError {}

/** A change this instance cannot serve (→ 409), e.g. a canary for a feature without a native capsule. */
export class FlagConflictError extends Error {}

interface Override extends StageSetting { changedAt: string; changedBy: string; reason: ChangeReason }

export interface FlagStoreOptions {
  syncIntervalMs: number;
  /** Features with a native capsule; any stage but express for another is refused. */
  nativeFeatures: ReadonlySet<FeatureName>;
  onSyncError?: (err: unknown) => void;
  onChange?: (feature: FeatureName, from: Stage, to: Stage, change: { from: StageSetting; to: StageSetting; reason: ChangeReason | null }) => void;
}

type Query = (sql: string, params: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

const isPercent = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 100;

export class FlagStore {
  private readonly db: Db;
  private readonly env: Record<FeatureName, EnvFlag>;
  private readonly opts: FlagStoreOptions;
  private overrides = new Map<FeatureName, Override>();
  private effective = new Map<FeatureName, StageSetting>();
  private timer: NodeJS.Timeout | undefined;

  constructor(db: Db, envValues: Record<string, string | undefined>, opts: FlagStoreOptions) {
    this.db = db;
    this.env = parseEnvFlags(envValues);
    this.opts = opts;
    for (const f of FEATURES) {
      const stage = this.env[f.name].stage;
      if (stage !== 'express' && !opts.nativeFeatures.has(f.name)) {
        throw new FlagConfigConflict(`${stage === 'fastify' ? `${f.envVar}=fastify` : `${stage === 'canary' ? f.canaryVar : f.shadowVar} (stage ${stage})`} but the "${f.name}" feature has no native capsule yet; use express`);
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

  /** Hot path: the feature's stage right now. No I/O. */
  stageOf(feature: FeatureName): Stage {
    return this.setting(feature).stage;
  }

  /** Hot path: which backend serves this user's request (`sub` undefined → express in a canary). No I/O. */
  backendFor(feature: FeatureName, sub: string | undefined): Backend {
    const e = this.setting(feature);
    if (e.stage === 'fastify') return 'fastify';
    if (e.stage !== 'canary' || sub === undefined) return 'express';
    return inCanary(feature, sub, e.percent) ? 'fastify' : 'express';
  }

  /** The backend serving the whole feature (fastify only in the fastify stage). */
  backendOf(feature: FeatureName): Backend {
    return this.stageOf(feature) === 'fastify' ? 'fastify' : 'express';
  }

  state(feature: FeatureName): FlagState {
    const o = this.overrides.get(feature);
    const env = this.env[feature];
    const e = this.setting(feature);
    return {
      feature,
      stage: e.stage,
      percent: e.percent,
      shadowRate: e.shadowRate,
      backend: this.backendOf(feature),
      native: this.opts.nativeFeatures.has(feature),
      source: o ? 'override' : env.source,
      envStage: env.stage,
      changedAt: o?.changedAt ?? null,
      changedBy: o?.changedBy ?? null,
      reason: o?.reason ?? null,
    };
  }

  all(): FlagState[] {
    return FEATURE_NAMES.map((f) => this.state(f));
  }

  canServe(feature: FeatureName, stage: Stage): boolean {
    return stage === 'express' || this.opts.nativeFeatures.has(feature);
  }

  /** The complete setting a change asks for, or a FlagInputError / FlagConflictError (nothing changes). */
  resolve(feature: FeatureName, change: StageChange): StageSetting {
    if (!isStage(change.stage)) throw new FlagInputError('stage', `must be one of express, shadow, canary, fastify`);
    if (change.percent !== undefined && !isPercent(change.percent)) throw new FlagInputError('percent', 'must be a whole number 0..100');
    if (change.shadowRate !== undefined && !isPercent(change.shadowRate)) throw new FlagInputError('shadowRate', 'must be a whole number 0..100');
    const percent = change.stage === 'canary' ? change.percent : 0;
    if (percent === undefined) throw new FlagInputError('percent', 'is required with stage canary');
    if (change.stage !== 'canary' && change.percent !== undefined) throw new FlagInputError('percent', 'is only allowed with stage canary');
    if (change.stage !== 'shadow' && change.shadowRate !== undefined) throw new FlagInputError('shadowRate', 'is only allowed with stage shadow');
    if (!this.canServe(feature, change.stage)) {
      throw new FlagConflictError(`Feature "${feature}" has no native capsule; it can only run on express`);
    }
    const current = this.setting(feature);
    return {
      stage: change.stage,
      percent,
      shadowRate: change.shadowRate ?? (change.stage === 'shadow' ? current.shadowRate : this.env[feature].shadowRate),
    };
  }

  /**
   * Sets runtime overrides (one feature or several, e.g. the global rollback) in one transaction,
   * all validated first. Returns the features actually changed (compare-and-set may skip some).
   */
  async setStage(features: readonly FeatureName[], change: StageChange, meta: ChangeMeta): Promise<FeatureName[]> {
    const settings = features.map((f) => [f, this.resolve(f, change)] as const);
    const changed: FeatureName[] = [];
    await this.transaction(async (q) => {
      for (const [feature, to] of settings) {
        const from = await this.current(q, feature);
        if (meta.expectStage && from.stage !== meta.expectStage) continue;
        const reason = meta.reason ?? 'manual';
        await q(`INSERT INTO feature_flag_overrides (feature, backend, stage, percent, shadow_rate, reason, changed_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (feature) DO UPDATE SET backend = $2, stage = $3, percent = $4, shadow_rate = $5, reason = $6,
                   changed_by = $7, changed_at = now()`,
        [feature, to.stage === 'fastify' ? 'fastify' : 'express', to.stage, to.percent, to.shadowRate, reason, meta.who]);
        await this.insertAudit(q, feature, 'set', from, to, meta);
        changed.push(feature);
      }
      if (changed.length) await q('SELECT pg_notify($1, $2)', [FLAG_CHANNEL, changed.join(',')]);
    });
    await this.sync();
    return changed;
  }

  /** The previous release's shape: a whole feature to one backend. */
  async set(features: readonly FeatureName[], backend: Backend, who: string): Promise<void> {
    await this.setStage(features, { stage: backend }, { who });
  }

  /** Drops overrides: back to the env value. */
  async clear(features: readonly FeatureName[], who: string | ChangeMeta): Promise<void> {
    const meta = typeof who === 'string' ? { who } : who;
    await this.transaction(async (q) => {
      for (const feature of features) {
        const from = await this.current(q, feature);
        await q('DELETE FROM feature_flag_overrides WHERE feature = $1', [feature]);
        await this.insertAudit(q, feature, 'clear', from, this.env[feature], meta);
      }
      await q('SELECT pg_notify($1, $2)', [FLAG_CHANNEL, features.join(',')]);
    });
    await this.sync();
  }

  /** An audit entry that is not a stage change (ramp started, paused, …). */
  async recordEvent(feature: FeatureName, action: string, meta: ChangeMeta): Promise<void> {
    const now = this.setting(feature);
    await this.insertAudit((sql, params) => this.db.query(sql, params), feature, action, now, now, meta);
  }

  async audit(limit = 50): Promise<AuditEntry[]> {
    const { rows } = await this.db.query(
      `SELECT feature, action, from_backend, to_backend, from_stage, to_stage, from_percent, to_percent, reason, details, changed_by, changed_at
       FROM feature_flag_audit ORDER BY id DESC LIMIT $1`, [limit]);
    return rows.map((r) => ({
      feature: r.feature,
      action: r.action,
      from: r.from_stage ?? r.from_backend,
      to: r.to_stage ?? r.to_backend,
      fromPercent: r.from_percent,
      toPercent: r.to_percent,
      reason: r.reason,
      details: r.details,
      changedBy: r.changed_by,
      changedAt: r.changed_at,
    }));
  }

  /** Reloads overrides from the database. On failure the last known state stays in force. */
  async sync(): Promise<void> {
    const { rows } = await this.db.query('SELECT feature, backend, stage, percent, shadow_rate, reason, changed_by, changed_at FROM feature_flag_overrides');
    const next = new Map<FeatureName, Override>();
    for (const r of rows) {
      if (!FEATURE_NAMES.includes(r.feature)) continue;
      const stage: Stage = r.stage ?? r.backend; // rows written by the previous release have no stage
      if (!this.canServe(r.feature, stage)) {
        this.opts.onSyncError?.(new Error(`override ${r.feature}=${stage} ignored: no native capsule in this instance`));
        continue;
      }
      next.set(r.feature, {
        stage, percent: r.percent ?? 0, shadowRate: r.shadow_rate ?? 100, reason: r.reason ?? 'manual',
        changedBy: r.changed_by, changedAt: r.changed_at,
      });
    }
    this.overrides = next;
    this.recompute();
  }

  /** The effective setting (every registered feature has one from the constructor on). */
  private setting(feature: FeatureName): StageSetting {
    const e = this.effective.get(feature);
    if (!e) throw new UnknownFeatureError(feature);
    return e;
  }

  private recompute(): void {
    for (const f of FEATURE_NAMES) {
      const before = this.effective.get(f);
      const o = this.overrides.get(f);
      const src = o ?? this.env[f];
      const now: StageSetting = { stage: src.stage, percent: src.percent, shadowRate: src.shadowRate };
      if (before && before.stage === now.stage && before.percent === now.percent && before.shadowRate === now.shadowRate) continue;
      this.effective.set(f, now);
      if (before) this.opts.onChange?.(f, before.stage, now.stage, { from: before, to: now, reason: o?.reason ?? null });
    }
  }

  /** The stored setting (override row locked for the transaction, else the env default). */
  private async current(q: Query, feature: FeatureName): Promise<StageSetting> {
    const { rows } = await q('SELECT backend, stage, percent, shadow_rate FROM feature_flag_overrides WHERE feature = $1 FOR UPDATE', [feature]);
    const r = rows[0];
    if (!r) return this.env[feature];
    return { stage: (r.stage ?? r.backend) as Stage, percent: Number(r.percent ?? 0), shadowRate: Number(r.shadow_rate ?? 100) };
  }

  private async insertAudit(q: Query, feature: FeatureName, action: string, from: StageSetting, to: StageSetting, meta: ChangeMeta): Promise<void> {
    const backend = (s: StageSetting) => (s.stage === 'fastify' ? 'fastify' : 'express');
    await q(`INSERT INTO feature_flag_audit (feature, action, from_backend, to_backend, from_stage, to_stage, from_percent, to_percent, reason, details, changed_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [feature, action, backend(from), backend(to), from.stage, to.stage,
      from.stage === 'canary' ? from.percent : null, to.stage === 'canary' ? to.percent : null,
      meta.reason ?? 'manual', meta.details ? JSON.stringify(meta.details) : null, meta.who]);
  }

  private async transaction(work: (q: Query) => Promise<void>): Promise<void> {
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

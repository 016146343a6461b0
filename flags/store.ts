// The flag store: each feature's rollout (flags/rollout-model.ts: reads and writes each at a stage, the
// shadow rate, the ramp, the guard's last rollback). The env value is the default; changes live in
// PostgreSQL (`feature_flag_overrides`, one row per feature with a version) with an audit trail. A change
// is one transaction: lock the row, decide on the locked rollout, write it with compare-and-set on its
// version, insert the audit row and NOTIFY `feature_flags` (flag-push reloads on it; every instance also
// polls), then commit. The per-request reads (`stageOf`, `backendFor`) are plain in-memory lookups, and a
// PostgreSQL outage keeps the last known flags.
import { isDeepStrictEqual } from 'node:util';
import type pg from 'pg';
import type { Db } from '../src/db/pool.ts';
import { isUnavailableError } from '../src/policy/errors.ts';
import { inCanary } from './bucket.ts';
import type { Side } from './operations.ts';
import { FlagConfigError, parseEnvFlags, type EnvFlag } from './parse.ts';
import { FEATURES, FEATURE_NAMES, UnknownFeatureError, isStage, type Backend, type FeatureName, type Stage } from './registry.ts';
import { decide, needsGate, type Command, type Decision, type GateFact, type Ramp, type Reason, type RolledBack, type Rollout, type SideRollout } from './rollout-model.ts';

export type FlagSource = 'env' | 'override' | 'default';
export type ChangeReason = Reason;
export const FLAG_CHANNEL = 'feature_flags';

export interface FlagState {
  feature: FeatureName;
  /** The reads side's stage and percentage (the leading side: writes never serve natively more users). */
  stage: Stage;
  percent: number;
  shadowRate: number;
  reads: SideRollout;
  writes: SideRollout;
  ramp: Ramp | null;
  rolledBack: RolledBack | null;
  /** Fastify only when both sides are on fastify (then the legacy app serves nothing of the feature). */
  backend: Backend;
  /** Whether this instance has a native capsule for the feature. */
  native: boolean;
  source: FlagSource;
  envStage: Stage;
  version: number;
  changedAt: string | null;
  changedBy: string | null;
  reason: ChangeReason | null;
}

export interface AuditEntry {
  feature: string;
  action: string;
  /** The reads side before and after (as before the sides split), with each side in `fromRollout`/`toRollout`. */
  from: string | null;
  to: string | null;
  fromPercent: number | null;
  toPercent: number | null;
  fromRollout: Rollout | null;
  toRollout: Rollout | null;
  version: number | null;
  reason: ChangeReason;
  details: Record<string, unknown> | null;
  changedBy: string;
  changedAt: string;
}

export interface ChangeMeta {
  who: string;
  /** An operator's note, kept in the audit details. */
  note?: string;
  /** Compare-and-set on what the caller judged: refused (409) when the stored version differs. */
  ifVersion?: number;
}

/** A change the model refused; `status` is the HTTP status it maps to (400 names `field`). */
export class RolloutRefusedError extends Error {
  readonly status: 400 | 409 | 503;
  readonly field: string | undefined;
  readonly gate: Record<string, unknown> | undefined;
  readonly feature: FeatureName;
  constructor(feature: FeatureName, refusal: Extract<Decision, { ok: false }>) {
    super(`${feature}: ${refusal.field ? `${refusal.field} ` : ''}${refusal.reason}`);
    this.feature = feature;
    this.status = refusal.status;
    this.field = refusal.field;
    this.gate = refusal.gate;
  }
}

/** PostgreSQL failed (or the connection reset) during a change: nothing was written (→ 503). */
export class FlagStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`PostgreSQL unavailable: the change was not made (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
}

/** An env default this instance cannot serve (a stage other than express without a native capsule). */
export class FlagConfigConflict extends FlagConfigError {}

interface Stored { rollout: Rollout; version: number; overridden: boolean; changedAt: string; changedBy: string; reason: ChangeReason }

export interface FlagStoreOptions {
  syncIntervalMs: number;
  /** Features with a native capsule; any stage but express for another is refused. */
  nativeFeatures: ReadonlySet<FeatureName>;
  onSyncError?: (err: unknown) => void;
  onChange?: (feature: FeatureName, from: Rollout, to: Rollout) => void;
}

/** The gate's figures for a feature, fetched only when a change takes reads out of shadow. */
export type GateCheck = (feature: FeatureName) => Promise<GateFact>;

type Query = (sql: string, params: unknown[]) => Promise<{ rows: Array<Record<string, unknown>>; rowCount: number | null }>;

export function envRollout(env: EnvFlag): Rollout {
  const writes: Stage = env.stage === 'shadow' ? 'express' : env.stage;
  return {
    reads: { stage: env.stage, percent: env.stage === 'canary' ? env.percent : 0, since: null },
    writes: { stage: writes, percent: writes === 'canary' ? env.percent : 0, since: null },
    shadowRate: env.shadowRate, ramp: null, rolledBack: null,
  };
}

/** A row written by the previous release (stage columns only): both sides at its stage, writes never shadowed. */
function olderRow(r: Record<string, unknown>): Rollout {
  const stage = (isStage(r.stage) ? r.stage : r.backend === 'fastify' ? 'fastify' : 'express') as Stage;
  const percent = Number(r.percent ?? 0);
  return envRollout({ backend: 'express', stage, percent, shadowRate: Number(r.shadow_rate ?? 100), source: 'env' });
}

export class FlagStore {
  private readonly db: Db;
  private readonly env: Record<FeatureName, EnvFlag>;
  private readonly opts: FlagStoreOptions;
  private stored = new Map<FeatureName, Stored>();
  private effective = new Map<FeatureName, Rollout>();
  private timer: NodeJS.Timeout | undefined;
  /** This instance's committed changes so far, and the count at each feature's latest one (see sync()). */
  private commits = 0;
  private committedAt = new Map<FeatureName, number>();
  /** Reloads started, and the latest started one whose read was applied (see sync()). */
  private reloadsStarted = 0;
  private reloadApplied = 0;

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

  /** Hot path: one side's stage right now (reads by default: shadow and the views follow the reads). No I/O. */
  stageOf(feature: FeatureName, side: Side = 'reads'): Stage {
    return this.rollout(feature)[side].stage;
  }

  /** Hot path: which backend serves this user's request of this side (`sub` undefined → express in a canary). No I/O. */
  backendFor(feature: FeatureName, side: Side, sub: string | undefined): Backend {
    const s = this.rollout(feature)[side];
    if (s.stage === 'fastify') return 'fastify';
    if (s.stage !== 'canary' || sub === undefined) return 'express';
    // One bucket per user and feature for both sides: whoever writes natively also reads natively.
    return inCanary(feature, sub, s.percent) ? 'fastify' : 'express';
  }

  /** The backend serving all of this side of the feature (fastify only in the fastify stage). */
  backendOf(feature: FeatureName, side?: Side): Backend {
    const r = this.rollout(feature);
    if (side) return r[side].stage === 'fastify' ? 'fastify' : 'express';
    return r.reads.stage === 'fastify' && r.writes.stage === 'fastify' ? 'fastify' : 'express';
  }

  /** The rollout in force on this instance. */
  rollout(feature: FeatureName): Rollout {
    const e = this.effective.get(feature);
    if (!e) throw new UnknownFeatureError(feature);
    return e;
  }

  state(feature: FeatureName): FlagState {
    const s = this.stored.get(feature);
    const o = s?.overridden ? s : undefined;
    const env = this.env[feature];
    const r = this.rollout(feature);
    return {
      feature,
      stage: r.reads.stage,
      percent: r.reads.percent,
      shadowRate: r.shadowRate,
      reads: r.reads,
      writes: r.writes,
      ramp: r.ramp,
      rolledBack: r.rolledBack,
      backend: this.backendOf(feature),
      native: this.opts.nativeFeatures.has(feature),
      source: o ? 'override' : env.source,
      envStage: env.stage,
      version: s?.version ?? 0,
      changedAt: s?.changedAt ?? null,
      changedBy: s?.changedBy ?? null,
      reason: s?.reason ?? null,
    };
  }

  all(): FlagState[] {
    return FEATURE_NAMES.map((f) => this.state(f));
  }

  canServe(feature: FeatureName, stage: Stage): boolean {
    return stage === 'express' || this.opts.nativeFeatures.has(feature);
  }

  /**
   * Applies one command to several features (e.g. the global rollback) in one transaction: each row locked,
   * decided on what is stored, written with compare-and-set, audited and NOTIFYed; any refusal (a
   * RolloutRefusedError) or failure (FlagStoreUnavailableError) leaves every feature unchanged.
   */
  async apply(features: readonly FeatureName[], command: Command, meta: ChangeMeta, gate?: GateCheck): Promise<void> {
    const now = new Date().toISOString();
    const written = new Map<FeatureName, Stored>();
    await this.transaction(async (q) => {
      for (const feature of features) {
        const { rollout: current, version } = await this.locked(q, feature);
        if (meta.ifVersion !== undefined && meta.ifVersion !== version) {
          throw new RolloutRefusedError(feature, { ok: false, status: 409, reason: `changed meanwhile (version ${version}, judged ${meta.ifVersion})` });
        }
        const gateFact = gate && needsGate(current, command) ? await gate(feature) : undefined;
        const d = decide(current, command, { now, native: this.opts.nativeFeatures.has(feature), envDefault: envRollout(this.env[feature]), gate: gateFact });
        if (!d.ok) throw new RolloutRefusedError(feature, d);
        const details = meta.note ? { ...d.audit.details, note: meta.note } : d.audit.details;
        await this.write(q, feature, version, d.next, command.kind !== 'clear', meta.who, d.audit.reason);
        await q(`INSERT INTO feature_flag_audit (feature, action, from_backend, to_backend, from_stage, to_stage, from_percent, to_percent,
                   reason, details, changed_by, from_rollout, to_rollout, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [feature, d.audit.action, wholeBackend(current), wholeBackend(d.next), current.reads.stage, d.next.reads.stage,
          current.reads.stage === 'canary' ? current.reads.percent : null, d.next.reads.stage === 'canary' ? d.next.reads.percent : null,
          d.audit.reason, details ? JSON.stringify(details) : null, meta.who, JSON.stringify(current), JSON.stringify(d.next), version + 1]);
        written.set(feature, { rollout: d.next, version: version + 1, overridden: command.kind !== 'clear', changedAt: now, changedBy: meta.who, reason: d.audit.reason });
      }
      await q('SELECT pg_notify($1, $2)', [FLAG_CHANNEL, features.join(',')]);
    });
    // Committed: this instance serves the change at once; the NOTIFY and the polling reload it from the rows.
    this.commits++;
    for (const [feature, stored] of written) {
      this.stored.set(feature, stored);
      this.committedAt.set(feature, this.commits);
    }
    this.recompute();
  }

  async audit(limit = 50, feature?: FeatureName): Promise<AuditEntry[]> {
    const { rows } = await this.db.query(
      `SELECT feature, action, from_backend, to_backend, from_stage, to_stage, from_percent, to_percent, reason, details, changed_by, changed_at,
              from_rollout, to_rollout, version
       FROM feature_flag_audit WHERE $2::text IS NULL OR feature = $2 ORDER BY id DESC LIMIT $1`, [limit, feature ?? null]);
    return rows.map((r) => ({
      feature: r.feature,
      action: r.action,
      from: r.from_stage ?? r.from_backend,
      to: r.to_stage ?? r.to_backend,
      fromPercent: r.from_percent,
      toPercent: r.to_percent,
      fromRollout: r.from_rollout,
      toRollout: r.to_rollout,
      version: r.version,
      reason: r.reason,
      details: r.details,
      changedBy: r.changed_by,
      changedAt: r.changed_at,
    }));
  }

  /** Reloads the stored rollouts. On failure the last known state stays in force. */
  async sync(): Promise<void> {
    const commitsBefore = this.commits;
    const reload = ++this.reloadsStarted;
    const { rows } = await this.db.query('SELECT feature, backend, stage, percent, shadow_rate, reason, changed_by, changed_at, rollout, version, overridden FROM feature_flag_overrides');
    // Two reloads overlap (the poll and a NOTIFY): one started later read newer rows; an older read that
    // answers after it is dropped, never putting back what was replaced.
    if (reload < this.reloadApplied) return;
    this.reloadApplied = reload;
    const next = new Map<FeatureName, Stored>();
    for (const r of rows) {
      if (!FEATURE_NAMES.includes(r.feature)) continue;
      const rollout: Rollout = r.overridden ? (r.rollout ?? olderRow(r)) : { ...envRollout(this.env[r.feature as FeatureName]), ramp: r.rollout?.ramp ?? null };
      if (!this.canServe(r.feature, rollout.reads.stage) || !this.canServe(r.feature, rollout.writes.stage)) {
        this.opts.onSyncError?.(new Error(`rollout of ${r.feature} ignored: no native capsule in this instance`));
        continue;
      }
      next.set(r.feature, { rollout, version: Number(r.version), overridden: r.overridden, reason: r.reason ?? 'manual', changedBy: r.changed_by, changedAt: r.changed_at });
    }
    // A change this instance committed while the query ran may be newer than the rows it read (a reload
    // set off by the NOTIFY of an earlier change): that change stays, never undone by an older snapshot.
    for (const [feature, at] of this.committedAt) {
      const mine = this.stored.get(feature);
      const read = next.get(feature);
      if (at > commitsBefore && mine && (!read || read.version < mine.version)) next.set(feature, mine);
    }
    this.stored = next;
    this.recompute();
  }

  private recompute(): void {
    for (const f of FEATURE_NAMES) {
      const before = this.effective.get(f);
      const now = this.stored.get(f)?.rollout ?? envRollout(this.env[f]);
      if (before && isDeepStrictEqual(before, now)) continue;
      this.effective.set(f, now);
      if (before) this.opts.onChange?.(f, before, now);
    }
  }

  /** The stored rollout, its row locked for the transaction (created on the env default at the first change). */
  private async locked(q: Query, feature: FeatureName): Promise<{ rollout: Rollout; version: number }> {
    const env = envRollout(this.env[feature]);
    await q(`INSERT INTO feature_flag_overrides (feature, backend, stage, percent, shadow_rate, changed_by, rollout, overridden)
             VALUES ($1, $2, $3, $4, $5, 'env', $6, false) ON CONFLICT (feature) DO NOTHING`,
    [feature, wholeBackend(env), env.reads.stage, env.reads.percent, env.shadowRate, JSON.stringify(env)]);
    const { rows } = await q('SELECT backend, stage, percent, shadow_rate, rollout, version, overridden FROM feature_flag_overrides WHERE feature = $1 FOR UPDATE', [feature]);
    const r = rows[0];
    const stored = r.rollout as Rollout | null;
    const rollout = r.overridden ? (stored ?? olderRow(r)) : { ...env, ramp: stored?.ramp ?? null };
    return { rollout, version: Number(r.version) };
  }

  private async write(q: Query, feature: FeatureName, version: number, next: Rollout, overridden: boolean, who: string, reason: ChangeReason): Promise<void> {
    const { rowCount } = await q(
      `UPDATE feature_flag_overrides SET backend = $3, stage = $4, percent = $5, shadow_rate = $6, reason = $7, changed_by = $8, changed_at = now(),
         rollout = $9, overridden = $10, version = version + 1
       WHERE feature = $1 AND version = $2`,
      [feature, version, wholeBackend(next), next.reads.stage, next.reads.percent, next.shadowRate, reason, who, JSON.stringify(next), overridden]);
    if (rowCount !== 1) throw new RolloutRefusedError(feature, { ok: false, status: 409, reason: 'changed meanwhile; try again' });
  }

  /** BEGIN … COMMIT on one client; a reset connection fails this change only (FlagStoreUnavailableError). */
  private async transaction(work: (q: Query) => Promise<void>): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.db.connect();
    } catch (err) {
      throw new FlagStoreUnavailableError(err);
    }
    // A checked-out client has no pool listener: without this an ECONNRESET mid-transaction would crash the process.
    let lost: unknown;
    const onError = (err: unknown) => { lost = err; };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      await work((sql, params) => client.query(sql, params));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      if (err instanceof RolloutRefusedError) throw err;
      if (lost !== undefined || isUnavailableError(err)) throw new FlagStoreUnavailableError(lost ?? err);
      throw err;
    } finally {
      // A broken client is destroyed, not reused; its listener stays so a late error from it has a handler.
      if (lost === undefined) client.removeListener('error', onError);
      client.release(lost !== undefined ? (lost instanceof Error ? lost : new Error(String(lost))) : undefined);
    }
  }
}

function wholeBackend(r: Rollout): Backend {
  return r.reads.stage === 'fastify' && r.writes.stage === 'fastify' ? 'fastify' : 'express';
}

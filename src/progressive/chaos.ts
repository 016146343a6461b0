// Development fault injection state (`make chaos`), shared by every instance through PostgreSQL
// (table dev_fault_injection, NOTIFY dev_chaos) and held in memory for the request hook. Only
// instances running with DEV_TOOLS ever load it. `mutate` is free-form: a field the native answers change, for a comparison to find.
import type { Db } from '../db/pool.ts';
import { FEATURE_NAMES, type FeatureName } from '../../flags/registry.ts';

export const CHAOS_CHANNEL = 'dev_chaos';

export interface Fault {
  /** Percentage (0..100) of native requests answered with an injected 500. */
  errors: number;
  /** Delay added to every native request, ms. */
  latencyMs: number;
  mutate?: unknown;
}

export class ChaosStore {
  private readonly db: Db;
  private faults = new Map<FeatureName, Fault>();

  constructor(db: Db) {
    this.db = db;
  }

  /** Hot path (dev only): the fault for a feature, if any. */
  faultOf(feature: FeatureName): Fault | undefined {
    return this.faults.get(feature);
  }

  all(): Record<string, Fault> {
    return Object.fromEntries(this.faults);
  }

  async reload(): Promise<void> {
    const { rows } = await this.db.query('SELECT feature, errors, latency_ms, mutate FROM dev_fault_injection');
    const next = new Map<FeatureName, Fault>();
    for (const r of rows) {
      if (!FEATURE_NAMES.includes(r.feature)) continue;
      next.set(r.feature, { errors: r.errors, latencyMs: r.latency_ms, ...(r.mutate != null ? { mutate: r.mutate } : {}) });
    }
    this.faults = next;
  }

  async set(feature: FeatureName, fault: Fault): Promise<void> {
    await this.db.query(
      `INSERT INTO dev_fault_injection (feature, errors, latency_ms, mutate) VALUES ($1, $2, $3, $4)
       ON CONFLICT (feature) DO UPDATE SET errors = $2, latency_ms = $3, mutate = $4, changed_at = now()`,
      [feature, fault.errors, fault.latencyMs, fault.mutate === undefined ? null : JSON.stringify(fault.mutate)]);
    await this.db.query('SELECT pg_notify($1, $2)', [CHAOS_CHANNEL, feature]);
    await this.reload();
  }

  async clear(features: readonly FeatureName[]): Promise<void> {
    await this.db.query('DELETE FROM dev_fault_injection WHERE feature = ANY($1)', [features]);
    await this.db.query('SELECT pg_notify($1, $2)', [CHAOS_CHANNEL, features.join(',')]);
    await this.reload();
  }
}

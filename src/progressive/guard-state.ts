// The guard's latest verdict per feature (table feature_guard), written by the leader every tick and
// read by every instance for the admin views and `make status`; `lastDecision` keeps the last rollback.
import type { Db } from '../db/pool.ts';
import type { FeatureName } from '../../flags/registry.ts';
import type { GuardFigures } from './guard.ts';

export type GuardState = 'idle' | 'collecting' | 'healthy' | 'rolled-back' | 'stale';

export interface GuardView {
  state: GuardState;
  figures: GuardFigures | null;
  decidedAt: string | null;
  lastDecision: { at: string; verdict: 'rollback'; figures: GuardFigures } | null;
}

/** A verdict older than this while a canary runs means no leader is deciding. */
const STALE_MS = 5000;

export class GuardStateStore {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  async write(feature: FeatureName, state: GuardState, figures: GuardFigures | null): Promise<void> {
    await this.db.query(
      `INSERT INTO feature_guard (feature, state, figures, decided_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (feature) DO UPDATE SET state = $2, figures = $3, decided_at = now()`,
      [feature, state, figures ? JSON.stringify(figures) : null]);
  }

  async rolledBack(feature: FeatureName, figures: GuardFigures): Promise<void> {
    const decision = { at: new Date().toISOString(), verdict: 'rollback', figures };
    await this.db.query(
      `INSERT INTO feature_guard (feature, state, figures, decided_at, last_decision) VALUES ($1, 'rolled-back', $2, now(), $3)
       ON CONFLICT (feature) DO UPDATE SET state = 'rolled-back', figures = $2, decided_at = now(), last_decision = $3`,
      [feature, JSON.stringify(figures), JSON.stringify(decision)]);
  }

  /** Every feature's view; `canary` says which features should have a fresh verdict. */
  async views(canary: (f: FeatureName) => boolean): Promise<Map<string, GuardView>> {
    const { rows } = await this.db.query('SELECT feature, state, figures, decided_at, last_decision FROM feature_guard');
    const out = new Map<string, GuardView>();
    for (const r of rows) {
      const fresh = Date.now() - Date.parse(r.decided_at) < STALE_MS;
      const active = canary(r.feature);
      out.set(r.feature, {
        state: !active ? (r.state === 'rolled-back' ? 'rolled-back' : 'idle') : !fresh ? 'stale' : r.state === 'healthy' ? 'healthy' : 'collecting',
        figures: r.figures,
        decidedAt: r.decided_at,
        lastDecision: r.last_decision,
      });
    }
    return out;
  }
}

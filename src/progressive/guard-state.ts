// The guard's state per feature and side, derived in this one place: `rolled-back` (with the figures) from
// the rollout itself until the next change to the feature; otherwise `idle` when the side is not in canary,
// and in canary the leader's latest verdict (table rollout_guard, written every tick): `collecting`,
// `healthy`, or `stale` when it is older than STALE_MS (no leader is deciding).
import type { Db } from '../db/pool.ts';
import type { FeatureName } from '../../flags/registry.ts';
import type { Side } from '../../flags/operations.ts';
import type { FlagState } from '../../flags/store.ts';
import type { GuardFigures } from './guard.ts';

export type GuardState = 'idle' | 'collecting' | 'healthy' | 'rolled-back' | 'stale';

/** What each state means, for `make status` and the console. */
export const GUARD_STATE_MEANING: Record<GuardState, string> = {
  idle: 'not in canary: nothing to judge',
  collecting: 'in canary, fewer verified native requests than the minimum sample: no verdict yet',
  healthy: 'in canary, native within the bars',
  'rolled-back': 'the guard rolled this side back to express (figures kept until the next change)',
  stale: 'in canary but no verdict for 5 s: no leader is deciding (PostgreSQL or the leader connection down?)',
};

export interface GuardView {
  state: GuardState;
  figures: GuardFigures | Record<string, unknown> | null;
  decidedAt: string | null;
  lastDecision: { at: string; verdict: 'rollback'; figures: Record<string, unknown> } | null;
}

/** A verdict older than this while a canary runs means no leader is deciding. */
const STALE_MS = 5000;

interface Verdict { state: string; figures: GuardFigures | null; decidedAt: string }

export class GuardStateStore {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  /** The leader's live verdict for one side (an observation: decisions go through the rollout model). */
  async write(feature: FeatureName, side: Side, state: 'collecting' | 'healthy', figures: GuardFigures): Promise<void> {
    await this.db.query(
      `INSERT INTO rollout_guard (feature, side, state, figures, decided_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (feature, side) DO UPDATE SET state = $3, figures = $4, decided_at = now()`,
      [feature, side, state, JSON.stringify(figures)]);
  }

  async verdicts(): Promise<Map<string, Verdict>> {
    const { rows } = await this.db.query('SELECT feature, side, state, figures, decided_at FROM rollout_guard');
    return new Map(rows.map((r) => [`${r.feature}|${r.side}`, { state: r.state, figures: r.figures, decidedAt: r.decided_at }]));
  }
}

export function guardView(s: FlagState, side: Side, verdicts: Map<string, Verdict>, now = Date.now()): GuardView {
  const rb = s.rolledBack;
  const lastDecision = rb ? { at: rb.at, verdict: 'rollback' as const, figures: rb.figures } : null;
  if (rb && rb.side === side) return { state: 'rolled-back', figures: rb.figures, decidedAt: rb.at, lastDecision };
  const v = verdicts.get(`${s.feature}|${side}`);
  if (s[side].stage !== 'canary') return { state: 'idle', figures: null, decidedAt: null, lastDecision };
  // A verdict from before this step began is not about it.
  const current = v && (!s[side].since || Date.parse(v.decidedAt) >= Date.parse(s[side].since ?? ''));
  if (!v || !current) {
    const young = s[side].since !== null && now - Date.parse(s[side].since ?? '') < STALE_MS; // the first verdict is on its way
    return { state: young ? 'collecting' : 'stale', figures: null, decidedAt: null, lastDecision };
  }
  if (now - Date.parse(v.decidedAt) >= STALE_MS) return { state: 'stale', figures: v.figures, decidedAt: v.decidedAt, lastDecision };
  return { state: v.state === 'healthy' ? 'healthy' : 'collecting', figures: v.figures, decidedAt: v.decidedAt, lastDecision };
}

// Automatic ramps (one per feature, table feature_ramps): the plan, its state, and the pure decision
// of what the leader does next with a running ramp. Starting, pausing and aborting happen on any
// instance through the admin API; only the leader advances.
import type { Db } from '../db/pool.ts';
import type { FeatureName } from '../../flags/registry.ts';
import type { Verdict } from './guard.ts';

export type RampState = 'running' | 'paused' | 'done' | 'aborted';
export const DEFAULT_STEPS = [5, 25, 50, 100];

export interface RampPlan { steps: number[]; dwellSeconds: number; minRequests: number }

export interface Ramp extends RampPlan {
  feature: FeatureName;
  state: RampState;
  stepIndex: number;
  stepStartedAt: string; // ISO 8601, as the pool reads timestamps
  startedBy: string;
}

/** A plan that cannot run (→ 400), naming the field. */
export class RampPlanError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

const whole = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

export function validatePlan(input: { steps?: unknown; dwellSeconds?: unknown; minRequests?: unknown }, defaults: Omit<RampPlan, 'steps'>): RampPlan {
  const steps = input.steps ?? DEFAULT_STEPS;
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > 20 || !steps.every((s) => whole(s, 1, 100))) {
    throw new RampPlanError('steps', 'must be 1..20 whole percentages 1..100');
  }
  if (steps.some((s, i) => i > 0 && s <= steps[i - 1])) throw new RampPlanError('steps', 'must be strictly increasing');
  const dwellSeconds = input.dwellSeconds ?? defaults.dwellSeconds;
  if (!whole(dwellSeconds, 0, 86_400)) throw new RampPlanError('dwellSeconds', 'must be a whole number of seconds 0..86400');
  const minRequests = input.minRequests ?? defaults.minRequests;
  if (!whole(minRequests, 0, 10_000_000)) throw new RampPlanError('minRequests', 'must be a whole number 0..10000000');
  return { steps: steps as number[], dwellSeconds, minRequests };
}

export type RampAction = { kind: 'wait'; why: string } | { kind: 'step'; percent: number; stepIndex: number } | { kind: 'finish' };

/** What a running ramp does now, given the guard's verdict and the native requests since the step began. */
export function nextAction(ramp: Ramp, verdict: Verdict, nativeRequests: number, now = Date.now()): RampAction {
  if (ramp.state !== 'running') return { kind: 'wait', why: ramp.state };
  if (verdict !== 'healthy') return { kind: 'wait', why: `guard ${verdict}` };
  if (now - Date.parse(ramp.stepStartedAt) < ramp.dwellSeconds * 1000) return { kind: 'wait', why: 'dwell' };
  if (nativeRequests < ramp.minRequests) return { kind: 'wait', why: 'native requests' };
  const next = ramp.stepIndex + 1;
  if (next >= ramp.steps.length) return { kind: 'finish' };
  return { kind: 'step', percent: ramp.steps[next], stepIndex: next };
}

export class RampStore {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  async all(): Promise<Ramp[]> {
    const { rows } = await this.db.query('SELECT * FROM feature_ramps');
    return rows.map((r) => ({
      feature: r.feature, steps: r.steps.map(Number), stepIndex: r.step_index, dwellSeconds: r.dwell_seconds, minRequests: r.min_requests,
      state: r.state, stepStartedAt: r.step_started_at, startedBy: r.started_by,
    }));
  }

  async get(feature: FeatureName): Promise<Ramp | undefined> {
    return (await this.all()).find((r) => r.feature === feature);
  }

  async start(feature: FeatureName, plan: RampPlan, who: string): Promise<void> {
    await this.db.query(
      `INSERT INTO feature_ramps (feature, steps, step_index, dwell_seconds, min_requests, state, step_started_at, started_by, updated_at)
       VALUES ($1, $2, 0, $3, $4, 'running', now(), $5, now())
       ON CONFLICT (feature) DO UPDATE SET steps = $2, step_index = 0, dwell_seconds = $3, min_requests = $4, state = 'running',
         step_started_at = now(), started_by = $5, updated_at = now()`,
      [feature, plan.steps, plan.dwellSeconds, plan.minRequests, who]);
  }

  /** Moves a ramp from one of `from` to `to`; false when it was not in such a state. */
  async transition(feature: FeatureName, from: RampState[], to: RampState): Promise<boolean> {
    const { rowCount } = await this.db.query('UPDATE feature_ramps SET state = $2, updated_at = now() WHERE feature = $1 AND state = ANY($3)', [feature, to, from]);
    return (rowCount ?? 0) > 0;
  }

  async advance(feature: FeatureName, stepIndex: number): Promise<void> {
    await this.db.query('UPDATE feature_ramps SET step_index = $2, step_started_at = now(), updated_at = now() WHERE feature = $1', [feature, stepIndex]);
  }
}

// Automatic ramps (one per feature, kept in the feature's rollout): the plan's validation and the pure
// decision of what the leader does next with a running ramp. Starting, pausing and aborting happen on any
// instance through the admin API; only the leader advances; every change goes through the rollout model.
import type { Ramp, RampPlan } from '../../flags/rollout-model.ts';
import type { Verdict } from './guard.ts';

export const DEFAULT_STEPS = [5, 25, 50, 100];

/** A plan that cannot run, or that the ramp would not honour (→ 400), naming the field. */
export class RampPlanError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

const whole = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * `guardMinRequests` is the guard's minimum sample: below it the guard never says healthy, so a ramp asking
 * for fewer native requests per step could not be honoured and is refused.
 */
export function validatePlan(input: { steps?: unknown; dwellSeconds?: unknown; minRequests?: unknown }, defaults: Omit<RampPlan, 'steps'>, guardMinRequests: number): RampPlan {
  const steps = input.steps ?? DEFAULT_STEPS;
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > 20 || !steps.every((s) => whole(s, 1, 100))) {
    throw new RampPlanError('steps', 'must be 1..20 whole percentages 1..100');
  }
  if (steps.some((s, i) => i > 0 && s <= steps[i - 1])) throw new RampPlanError('steps', 'must be strictly increasing');
  const dwellSeconds = input.dwellSeconds ?? defaults.dwellSeconds;
  if (!whole(dwellSeconds, 0, 86_400)) throw new RampPlanError('dwellSeconds', 'must be a whole number of seconds 0..86400');
  const minRequests = input.minRequests ?? Math.max(defaults.minRequests, guardMinRequests);
  if (!whole(minRequests, 0, 10_000_000)) throw new RampPlanError('minRequests', 'must be a whole number 0..10000000');
  if (minRequests < guardMinRequests) {
    throw new RampPlanError('minRequests', `must be at least the guard's minimum sample (GUARD_MIN_REQUESTS=${guardMinRequests}): the guard gives no verdict on fewer`);
  }
  return { steps: steps as number[], dwellSeconds, minRequests };
}

export type RampAction = { kind: 'wait'; why: string } | { kind: 'step'; stepIndex: number };

/** One ramped side's evidence since its step began. */
export interface SideEvidence { verdict: Verdict; nativeRequests: number }

/** What a running ramp does now, given each ramped side's verdict and native requests (past the last step: finish). */
export function nextAction(ramp: Ramp, sides: SideEvidence[], now = Date.now()): RampAction {
  if (ramp.state !== 'running') return { kind: 'wait', why: ramp.state };
  if (sides.length < ramp.ops.length) return { kind: 'wait', why: 'a ramped side has no verdict' };
  const unhealthy = sides.find((s) => s.verdict !== 'healthy');
  if (unhealthy) return { kind: 'wait', why: `guard ${unhealthy.verdict}` };
  if (now - Date.parse(ramp.stepStartedAt) < ramp.dwellSeconds * 1000) return { kind: 'wait', why: 'dwell' };
  if (sides.some((s) => s.nativeRequests < ramp.minRequests)) return { kind: 'wait', why: 'native requests' };
  return { kind: 'step', stepIndex: ramp.stepIndex + 1 };
}

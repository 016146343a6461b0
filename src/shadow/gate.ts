// The shadow gate: a feature leaves `shadow` for `canary` or `fastify` only after at least `minComparisons`
// comparisons with a mismatch rate (and a native error rate) at or below `maxMismatchRate` — unless the
// operator forces it, which the caller records in the audit with reason `forced` and these figures.
// The rollout model (flags/rollout-model.ts) asks for the figures through gateCheck, on the locked row.
import { AppError, type ErrorBody } from '../policy/errors.ts';
import type { FeatureName, Stage } from '../../flags/registry.ts';
import type { GateFact } from '../../flags/rollout-model.ts';
import { withTimeout } from '../infrastructure/deadline.ts';
import type { Figures } from './report.ts';

export interface GateSettings {
  minComparisons: number;
  maxMismatchRate: number;
}

export interface GateFigures extends GateSettings {
  feature: string;
  compared: number;
  mismatched: number;
  errored: number;
  mismatchRate: number;
  errorRate: number;
}

/** The 409 a refused move answers: the contract's error body plus the figures. */
export class ShadowGateError extends AppError {
  readonly figures: GateFigures;

  constructor(figures: GateFigures) {
    const pct = (r: number) => `${(r * 100).toFixed(2)}%`;
    super('CONFLICT', `Shadow gate not passed for "${figures.feature}": ${figures.compared} comparisons (needs ≥ ${figures.minComparisons}), `
      + `mismatch rate ${pct(figures.mismatchRate)} and error rate ${pct(figures.errorRate)} (needs ≤ ${pct(figures.maxMismatchRate)}); `
      + 'send "force": true to move anyway');
    this.figures = figures;
  }

  override toBody(): ErrorBody & { error: { figures: GateFigures } } {
    return { error: { ...super.toBody().error, figures: this.figures } };
  }
}

/** Whether a move from one stage to another has to pass the gate. */
export function gateApplies(from: Stage, to: Stage): boolean {
  return from === 'shadow' && (to === 'canary' || to === 'fastify');
}

export function gateFigures(feature: string, figures: Figures, settings: GateSettings): { passed: boolean; figures: GateFigures } {
  const out: GateFigures = {
    feature, compared: figures.compared, mismatched: figures.mismatched, errored: figures.errored,
    mismatchRate: figures.mismatchRate, errorRate: figures.errorRate, ...settings,
  };
  const passed = out.compared >= settings.minComparisons && out.mismatchRate <= settings.maxMismatchRate && out.errorRate <= settings.maxMismatchRate;
  return { passed, figures: out };
}

export interface GateOutcome {
  /** True when the move went through the gate only because it was forced: audit it as `forced`. */
  forced: boolean;
  /** The figures judged (undefined when the move does not leave `shadow`). */
  figures?: GateFigures;
}

/**
 * Called by PUT /admin/flags before a stage change. Throws ShadowGateError (409) when the move leaves
 * `shadow` and the figures do not pass, unless `force`.
 */
export async function checkShadowGate(
  report: (feature: string) => Promise<Figures>,
  feature: string, from: Stage, to: Stage, force: boolean, settings: GateSettings,
): Promise<GateOutcome> {
  if (!gateApplies(from, to)) return { forced: false };
  const { passed, figures } = gateFigures(feature, await report(feature), settings);
  if (passed) return { forced: false, figures };
  if (!force) throw new ShadowGateError(figures);
  return { forced: true, figures };
}

/** The rollout model's gate fact for a feature (its shadow figures judged), or why they cannot be read. */
export function gateCheck(shadow: { gate(feature: FeatureName, from: Stage, to: Stage, force: boolean): Promise<GateOutcome> }, timeoutMs = 2000) {
  return async (feature: FeatureName): Promise<GateFact> => {
    try {
      // Forced, the gate answers instead of throwing: `forced` then means the figures did not pass.
      const outcome = await withTimeout(shadow.gate(feature, 'shadow', 'canary', true), timeoutMs);
      return { passed: !outcome.forced, figures: { ...outcome.figures } };
    } catch (err) {
      return { unavailable: `the shadow gate's figures cannot be read (Redis): ${err instanceof Error ? err.message : String(err)}` };
    }
  };
}

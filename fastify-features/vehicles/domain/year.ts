// A model year may be at most next year (UTC); the bound moves with the clock, so it is checked here.
import { validationError } from '../../../src/policy/errors.ts';

export const MIN_MODEL_YEAR = 1900;

export function maxModelYear(now: Date): number {
  return now.getUTCFullYear() + 1;
}

/** 400 on `year` when it is past the upper bound (the lower bound is in the schema). Worded as AJV would. */
export function checkModelYear(year: number | undefined, now: Date): void {
  if (year === undefined) return;
  const max = maxModelYear(now);
  if (year > max) throw validationError('year', `must be <= ${max}`);
}

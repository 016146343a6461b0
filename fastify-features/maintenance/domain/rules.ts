// Input rules that a JSON schema cannot express (they depend on today's date or on two fields at once).
import { addDays } from './dates.ts';
import { hasAtMostDecimals } from '../../../src/policy/decimal-places.ts';

/** Earliest accepted service date: PostgreSQL rejects year 0000, and no vehicle predates 1900. */
export const MIN_SERVICE_DATE = '1900-01-01';

/** Why a record's date is refused, or null when it is fine. Like fuel logs: not after today + 1 day (UTC). */
export function serviceDateProblem(date: string, today: string): string | null {
  const latest = addDays(today, 1);
  // Same-length YYYY-MM-DD strings compare like the dates they name.
  if (date > latest) return `must not be after ${latest}`;
  if (date < MIN_SERVICE_DATE) return `must not be before ${MIN_SERVICE_DATE}`;
  return null;
}

/** true when `value` has at most two digits after the point (money; API.md conventions; exactly). */
export const hasAtMostTwoDecimals = (value: number): boolean => hasAtMostDecimals(value, 2);

export interface FieldProblem { field: string; message: string }

/** The first rule a (schema-valid) record body breaks, in body order, or null. */
export function recordInputProblem(input: { date?: string; cost?: number | null }, today: string): FieldProblem | null {
  if (input.date !== undefined) {
    const message = serviceDateProblem(input.date, today);
    if (message) return { field: 'date', message };
  }
  if (typeof input.cost === 'number' && !hasAtMostTwoDecimals(input.cost)) return { field: 'cost', message: 'must have at most 2 decimal places' };
  return null;
}

export interface Intervals {
  intervalMiles: number | null;
  intervalMonths: number | null;
}

/** The field a "no interval" error is reported on, and its message (see the feature's README). */
export const NO_INTERVAL = { field: 'intervalMiles', message: 'at least one of intervalMiles and intervalMonths must be set' };

export function hasInterval(i: Intervals): boolean {
  return i.intervalMiles !== null || i.intervalMonths !== null;
}

/** A partial update applied to the current intervals: absent keys keep their value, null clears. */
export function applyIntervalPatch(current: Intervals, patch: Partial<Intervals>): Intervals {
  return {
    intervalMiles: patch.intervalMiles !== undefined ? patch.intervalMiles : current.intervalMiles,
    intervalMonths: patch.intervalMonths !== undefined ? patch.intervalMonths : current.intervalMonths,
  };
}

// The date rule of API.md ("date not after today + 1 day", today in UTC) plus a sane lower bound:
// PostgreSQL cannot store year 0, and nobody fuelled a car before 1900.

export const EARLIEST_LOG_DATE = '1900-01-01';

/** Today + 1 day in UTC, as YYYY-MM-DD. */
export function latestAllowedLogDate(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return d.toISOString().slice(0, 10);
}

/** The validation message for a (format-valid) log date, or null when it is acceptable. */
export function logDateProblem(date: string, now: Date): string | null {
  if (date < EARLIEST_LOG_DATE) return `must not be before ${EARLIEST_LOG_DATE}`;
  const latest = latestAllowedLogDate(now);
  if (date > latest) return `must not be after ${latest}`;
  return null;
}

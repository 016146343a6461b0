// A timestamptz as the API sends it (`Date#toISOString`'s form, `2026-11-27T00:07:14.822Z`) from PostgreSQL's
// text. The pool sets every session's time zone to UTC (src/db/pool.ts), so the text is the UTC instant and the
// ISO string is a slice of it: no Date built and written back out for each of the two timestamps on every
// row of every list (why it pays: docs/performance.md). Any other text — another offset (a session someone
// changed, a pooler that drops session settings), `infinity`, an odd year — goes through pg's own parser,
// so the answer never depends on the session's time zone.

const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const SPACE = 32;
const COLON = 58;
const DOT = 46;

/**
 * `YYYY-MM-DD HH:MM:SS[.f{1,6}]+00` (DateStyle ISO, the default, at UTC) with a four-digit year not starting
 * with 0 → the ISO string, sub-millisecond digits truncated as pg's parser does; anything else → the
 * fallback's Date as an ISO string, or the text itself when the fallback gives no Date (`infinity`).
 */
export function timestamptzToIso(v: string, fallback: (v: string) => Date | number | null): string {
  const n = v.length;
  if ((n === 22 || (n >= 24 && n <= 29 && v.charCodeAt(19) === DOT))
    && v.charCodeAt(n - 3) === PLUS && v.charCodeAt(n - 2) === ZERO && v.charCodeAt(n - 1) === ZERO
    && v.charCodeAt(0) !== ZERO && v.charCodeAt(4) === DASH && v.charCodeAt(7) === DASH && v.charCodeAt(10) === SPACE
    && v.charCodeAt(13) === COLON && v.charCodeAt(16) === COLON) {
    const fraction = n === 22 ? '' : v.slice(20, Math.min(23, n - 3));
    return `${v.slice(0, 10)}T${v.slice(11, 19)}.${fraction.padEnd(3, '0')}Z`;
  }
  const instant = fallback(v);
  return instant instanceof Date ? instant.toISOString() : v;
}

// PostgreSQL's text form of a timestamptz to a Date, without regular expressions. Every list the API
// serves carries two of these per row (created/updated), and pg's default parser (postgres-date: three
// regular expressions and a float per value) cost ~400 ns each, 5% of a fuel-logs page's CPU on the
// benchmark floor; this parser ~150 ns (benchmarks/findings.md). Same result: the instant, to the
// millisecond, sub-millisecond digits truncated. Anything but the ISO output style PostgreSQL uses by default
// (DateStyle ISO: `2026-11-27 00:07:14.822714+00`, offsets `+05:30` or `-03:00:15`) goes to the fallback
// (pg's own parser: src/db/pool.ts).

const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const SPACE = 32;
const COLON = 58;
const DOT = 46;

/** The decimal number in v[at, at + len), or -1 when a character is not a digit. */
function digits(v: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const d = v.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Seconds east of UTC for an offset `+HH`, `+HH:MM` or `+HH:MM:SS` starting at `at`, or null when malformed. */
function offsetSeconds(v: string, at: number): number | null {
  const sign = v.charCodeAt(at);
  if (sign !== PLUS && sign !== DASH) return null;
  const rest = v.length - at - 1;
  if (rest !== 2 && rest !== 5 && rest !== 8) return null;
  if ((rest >= 5 && v.charCodeAt(at + 3) !== COLON) || (rest === 8 && v.charCodeAt(at + 6) !== COLON)) return null;
  const h = digits(v, at + 1, 2);
  const m = rest >= 5 ? digits(v, at + 4, 2) : 0;
  const s = rest === 8 ? digits(v, at + 7, 2) : 0;
  if (h < 0 || m < 0 || s < 0) return null;
  const total = h * 3600 + m * 60 + s;
  return sign === DASH ? -total : total;
}

/** A timestamptz as PostgreSQL writes it (`YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`) → Date; else `fallback(v)`. */
export function parseTimestamptz<T>(v: string, fallback: (v: string) => T): Date | T {
  // Four-digit years only (a year 0–99 would be read as 19xx by Date.UTC; BC and 5-digit years differ in shape).
  if (v.length >= 22 && v.charCodeAt(4) === DASH && v.charCodeAt(7) === DASH && v.charCodeAt(10) === SPACE
    && v.charCodeAt(13) === COLON && v.charCodeAt(16) === COLON) {
    const year = digits(v, 0, 4);
    const month = digits(v, 5, 2);
    const day = digits(v, 8, 2);
    const hour = digits(v, 11, 2);
    const minute = digits(v, 14, 2);
    const second = digits(v, 17, 2);
    let at = 19;
    let ms = 0;
    if (v.charCodeAt(at) === DOT) {
      at++;
      let scale = 100;
      for (let d = v.charCodeAt(at) - ZERO; d >= 0 && d <= 9; d = v.charCodeAt(at) - ZERO) {
        ms += d * scale; // the first three digits are milliseconds; later ones add 0 (truncated, as postgres-date's Date does)
        scale = scale > 1 ? scale / 10 : 0;
        at++;
      }
    }
    const offset = offsetSeconds(v, at);
    if (year >= 1000 && month >= 1 && day >= 1 && hour >= 0 && minute >= 0 && second >= 0 && offset !== null) {
      return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 1000);
    }
  }
  return fallback(v);
}

// PostgreSQL's text form of a timestamptz, read without regular expressions. Every list the API serves
// carries two of these per row (created/updated). pg's default parser (postgres-date: three regular
// expressions and a float per value) cost ~400 ns each, and writing the Date back out as the contract's ISO
// string (V8's toISOString goes through printf) as much again (benchmarks/findings.md).
// `timestamptzToIso` gives that ISO string directly, by slicing, when PostgreSQL writes UTC (~100 ns);
// `parseTimestamptz` gives the Date (~150 ns) for any other offset. Same result as pg's parser: the instant,
// to the millisecond, sub-millisecond digits truncated. Anything but the ISO output style PostgreSQL uses by
// default (DateStyle ISO: `2026-11-27 00:07:14.822714+00`, offsets `+05:30` or `-03:00:15`) goes to the
// fallback (pg's own parser: src/db/pool.ts).

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

/** The separators of `YYYY-MM-DD HH:MM:SS` where PostgreSQL's ISO style puts them (digits are checked by the readers). */
function hasDateTimeShape(v: string): boolean {
  return v.charCodeAt(4) === DASH && v.charCodeAt(7) === DASH && v.charCodeAt(10) === SPACE
    && v.charCodeAt(13) === COLON && v.charCodeAt(16) === COLON;
}

/** A timestamptz as PostgreSQL writes it (`YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`) → Date; else `fallback(v)`. */
export function parseTimestamptz<T>(v: string, fallback: (v: string) => T): Date | T {
  // Four-digit years only (a year 0–99 would be read as 19xx by Date.UTC; BC and 5-digit years differ in shape).
  if (v.length >= 22 && hasDateTimeShape(v)) {
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

/**
 * A timestamptz as PostgreSQL writes it → the instant as `Date#toISOString` writes it (`2026-11-27T00:07:14.822Z`),
 * the form the API sends. Sliced out of the text when the server writes UTC (TimeZone UTC: the default of
 * packaged and managed PostgreSQL); through `parseTimestamptz` otherwise. A value that is no instant
 * (`infinity`, `-infinity`) comes back as PostgreSQL wrote it.
 */
export function timestamptzToIso(v: string, fallback: (v: string) => Date | number | null): string {
  const n = v.length;
  // `YYYY-MM-DD HH:MM:SS+00` (22 characters) or with 1–6 fraction digits after a dot (24–29); years from 1000.
  if ((n === 22 || (n >= 24 && n <= 29 && v.charCodeAt(19) === DOT))
    && v.charCodeAt(n - 3) === PLUS && v.charCodeAt(n - 2) === ZERO && v.charCodeAt(n - 1) === ZERO
    && v.charCodeAt(0) !== ZERO && hasDateTimeShape(v)) {
    const fraction = n === 22 ? '' : v.slice(20, Math.min(23, n - 3));
    return `${v.slice(0, 10)}T${v.slice(11, 19)}.${fraction.padEnd(3, '0')}Z`;
  }
  const instant = parseTimestamptz(v, fallback);
  return instant instanceof Date ? instant.toISOString() : v;
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { parseTimestamptz, timestamptzToIso } from './timestamptz.ts';

// pg's own parser (postgres-date: a Date, ±Infinity or null): this file does not load src/db/pool.ts, so
// nothing replaced it here.
const pgParser: (v: string) => Date | number | null = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text');
const noFallback = (v: string): never => assert.fail(`${v} went to the fallback`);
const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** An instant written the way PostgreSQL writes it at a given UTC offset (seconds east), with `frac` fraction digits. */
function pgText(ms: number, micros: number, offsetSeconds: number, frac: number, offsetStyle: 0 | 1 | 2): string {
  const local = new Date(ms + offsetSeconds * 1000);
  const sub = String(local.getUTCMilliseconds() * 1000 + micros).padStart(6, '0').slice(0, frac);
  const a = Math.abs(offsetSeconds);
  const off = `${offsetSeconds < 0 ? '-' : '+'}${pad(Math.floor(a / 3600))}`
    + (offsetStyle >= 1 ? `:${pad(Math.floor(a / 60) % 60)}` : '') + (offsetStyle === 2 ? `:${pad(a % 60)}` : '');
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${frac ? `.${sub}` : ''}${off}`;
}

test('the same instant as pg\'s parser for the ISO style PostgreSQL writes, at any precision and offset', () => {
  let seed = 42;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  for (let i = 0; i < 20_000; i++) {
    const ms = Date.UTC(1000 + rnd(1100), 0, 1) + rnd(366 * 24 * 3600) * 1000 + rnd(1000);
    const style = rnd(3) as 0 | 1 | 2;
    const offset = (rnd(2) ? -1 : 1) * (rnd(15) * 3600 + (style >= 1 ? rnd(60) * 60 : 0) + (style === 2 ? rnd(60) : 0));
    const micros = rnd(1000);
    const frac = rnd(7);
    const text = pgText(ms, micros, offset, frac, style);
    const ours = parseTimestamptz(text, noFallback);
    const theirs = pgParser(text);
    assert.ok(theirs instanceof Date, text);
    assert.equal(ours.getTime(), theirs.getTime(), text);
    assert.equal(timestamptzToIso(text, noFallback), theirs.toISOString(), text);
    // The same instant written at UTC: the sliced path, which must agree with the Date's ISO string.
    assert.equal(timestamptzToIso(pgText(ms, micros, 0, frac, style), noFallback), theirs.toISOString(), text);
  }
});

test('the ISO string at UTC is sliced out of the text, at every precision', () => {
  assert.equal(timestamptzToIso('2026-11-27 00:07:14+00', noFallback), '2026-11-27T00:07:14.000Z');
  assert.equal(timestamptzToIso('2026-11-27 00:07:14.8+00', noFallback), '2026-11-27T00:07:14.800Z');
  assert.equal(timestamptzToIso('2026-11-27 00:07:14.82+00', noFallback), '2026-11-27T00:07:14.820Z');
  assert.equal(timestamptzToIso('2026-11-27 00:07:14.822+00', noFallback), '2026-11-27T00:07:14.822Z');
  assert.equal(timestamptzToIso('2026-11-27 00:07:14.822999+00', noFallback), '2026-11-27T00:07:14.822Z');
  assert.equal(timestamptzToIso('2026-11-27 00:07:14.5-01', noFallback), '2026-11-27T01:07:14.500Z');
});

test('what is no instant comes back as PostgreSQL wrote it; odd shapes are read as a Date', () => {
  const seen: string[] = [];
  const fallback = (v: string) => { seen.push(v); return pgParser(v); };
  assert.equal(timestamptzToIso('infinity', fallback), 'infinity');
  assert.equal(timestamptzToIso('-infinity', fallback), '-infinity');
  assert.equal(timestamptzToIso('0099-06-01 12:00:00+00', fallback), (pgParser('0099-06-01 12:00:00+00') as Date).toISOString());
  assert.equal(timestamptzToIso('2026-01-01 00:00:00.+00', fallback), '2026-01-01T00:00:00.000Z'); // not sliced: read as a Date
  assert.deepEqual(seen, ['infinity', '-infinity', '0099-06-01 12:00:00+00']);
});

test('sub-millisecond digits are truncated, not rounded', () => {
  assert.equal(parseTimestamptz('2026-11-27 00:07:14.822999+00', noFallback).toISOString(), '2026-11-27T00:07:14.822Z');
  assert.equal(parseTimestamptz('2026-11-27 00:07:14.5-01', noFallback).toISOString(), '2026-11-27T01:07:14.500Z');
});

test('anything else goes to the fallback, unchanged', () => {
  const seen: string[] = [];
  const fallback = (v: string) => { seen.push(v); return pgParser(v); };
  for (const v of ['infinity', '-infinity', '0099-06-01 12:00:00+00', '2026-01-01 00:00:00+00 BC', '12026-01-01 00:00:00+00',
    '2026-01-01T00:00:00Z', '2026-01-01 00:00:00', '2026-01-01 00:00:00+0x', '2026-01-01 00:00:00+05:3']) {
    const ours = parseTimestamptz(v, fallback);
    const theirs = pgParser(v);
    assert.deepEqual(ours instanceof Date ? ours.getTime() : ours, theirs instanceof Date ? theirs.getTime() : theirs, v);
  }
  assert.equal(seen.length, 9);
});

test('real PostgreSQL output in several time zones, including a historical offset in seconds', async (t) => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  t.after(() => client.end());
  for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Europe/Amsterdam']) {
    await client.query(`SET TimeZone = '${zone}'`);
    const { rows } = await client.query<{ text: string; ms: string }>(
      `SELECT ts::text AS text, floor(extract(epoch FROM ts) * 1000)::int8::text AS ms
         FROM unnest(ARRAY['1900-03-04 05:06:07.891234+00', '1970-01-01 00:00:00+00', '2026-11-27 00:07:14.822714+00',
                           '2038-01-19 03:14:07.999999+00']::timestamptz[]) AS ts`);
    for (const r of rows) {
      const ours = parseTimestamptz(r.text, noFallback);
      assert.equal(ours.getTime(), Number(r.ms), `${zone}: ${r.text}`);
      assert.equal(timestamptzToIso(r.text, noFallback), new Date(Number(r.ms)).toISOString(), `${zone}: ${r.text}`);
    }
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { timestamptzToIso } from './timestamptz.ts';

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

test('at UTC the ISO string is sliced and equals pg\'s parser\'s; at any other offset pg\'s parser gives it', () => {
  let seed = 42;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  let fallbacks = 0;
  const counted = (v: string) => { fallbacks++; return pgParser(v); };
  for (let i = 0; i < 20_000; i++) {
    const ms = Date.UTC(1000 + rnd(1100), 0, 1) + rnd(366 * 24 * 3600) * 1000 + rnd(1000);
    const style = rnd(3) as 0 | 1 | 2;
    const offset = (rnd(2) ? -1 : 1) * ((1 + rnd(14)) * 3600 + (style >= 1 ? rnd(60) * 60 : 0) + (style === 2 ? rnd(60) : 0));
    const micros = rnd(1000);
    const frac = rnd(7);
    const atUtc = pgText(ms, micros, 0, frac, 0);
    const theirs = pgParser(atUtc);
    assert.ok(theirs instanceof Date, atUtc);
    assert.equal(timestamptzToIso(atUtc, noFallback), theirs.toISOString(), atUtc);
    const elsewhere = pgText(ms, micros, offset, frac, style);
    assert.equal(timestamptzToIso(elsewhere, counted), theirs.toISOString(), elsewhere);
  }
  assert.equal(fallbacks, 20_000, 'every non-UTC text went to pg\'s parser');
});

test('the ISO string at UTC is sliced out of the text, at every precision, sub-milliseconds truncated', () => {
  assert.equal(timestamptzToIso('2026-11-27 00:07:14+00', noFallback), '2026-11-27T00:07:14.000Z');
  assert.equal(timestamptzToIso('2026-11-27 00:07:14.8+00', noFallback), '2026-11-27T00:07:14.800Z');
  assert.equal(timestamptzToIso('2026-11-27 00:07:14.82+00', noFallback), '2026-11-27T00:07:14.820Z');
  assert.equal(timestamptzToIso('2026-11-27 00:07:14.822+00', noFallback), '2026-11-27T00:07:14.822Z');
  assert.equal(timestamptzToIso('2026-11-27 00:07:14.822999+00', noFallback), '2026-11-27T00:07:14.822Z');
  assert.equal(timestamptzToIso('2026-11-27 00:07:14.5-01', pgParser), '2026-11-27T01:07:14.500Z');
});

test('what is no instant comes back as PostgreSQL wrote it; other shapes go to pg\'s parser', () => {
  const seen: string[] = [];
  const fallback = (v: string) => { seen.push(v); return pgParser(v); };
  assert.equal(timestamptzToIso('infinity', fallback), 'infinity');
  assert.equal(timestamptzToIso('-infinity', fallback), '-infinity');
  assert.equal(timestamptzToIso('0099-06-01 12:00:00+00', fallback), (pgParser('0099-06-01 12:00:00+00') as Date).toISOString());
  assert.equal(timestamptzToIso('2026-01-01 00:00:00.+00', fallback), (pgParser('2026-01-01 00:00:00.+00') as Date).toISOString());
  assert.equal(timestamptzToIso('2026-01-01 00:00:00+05:30', fallback), '2025-12-31T18:30:00.000Z');
  assert.deepEqual(seen, ['infinity', '-infinity', '0099-06-01 12:00:00+00', '2026-01-01 00:00:00.+00', '2026-01-01 00:00:00+05:30']);
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
      assert.equal(timestamptzToIso(r.text, zone === 'UTC' ? noFallback : pgParser), new Date(Number(r.ms)).toISOString(), `${zone}: ${r.text}`);
    }
  }
});

// The pool's sessions write timestamps at UTC whatever the server's or the connection string's time zone, so
// the TIMESTAMPTZ parser slices them; a session switched to another zone still gets the same answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPool, utcSessions } from './pool.ts';
import { requiredEnv } from '../../test/support/env.ts';

/** The database URL with a session time zone far from UTC, as a server or role default would give. */
function inKolkata(): string {
  const url = new URL(requiredEnv('DATABASE_URL'));
  url.searchParams.set('options', '-c TimeZone=Asia/Kolkata');
  return url.toString();
}

test('every pooled session is set to UTC, so timestamps arrive as +00 text and leave as the ISO string', async (t) => {
  const db = createPool(inKolkata(), 2);
  t.after(() => db.end());
  const clients = await Promise.all([db.connect(), db.connect()]); // two sessions, each started with the UTC option
  try {
    for (const client of clients) {
      const { rows } = await client.query<{ zone: string; text: string; iso: string }>(
        `SELECT current_setting('TimeZone') AS zone, ts::text AS text, ts AS iso FROM (SELECT '2026-11-27 05:37:14.822714+05:30'::timestamptz AS ts) x`);
      assert.deepEqual(rows[0], { zone: 'UTC', text: '2026-11-27 00:07:14.822714+00', iso: '2026-11-27T00:07:14.822Z' });
    }
  } finally {
    for (const client of clients) client.release(); // before db.end(), which waits for every client
  }
});

test('the UTC option comes after a connection string\'s own startup options, which it keeps', () => {
  const url = new URL(utcSessions('postgres://u:p%40ss@db.example:5433/app?options=-c%20statement_timeout%3D5000&sslmode=require'));
  assert.equal(url.searchParams.get('options'), '-c statement_timeout=5000 -c TimeZone=UTC');
  assert.equal(url.searchParams.get('sslmode'), 'require');
  assert.equal(url.password, 'p%40ss');
  assert.equal(new URL(utcSessions('postgres://u@localhost/app')).searchParams.get('options'), '-c TimeZone=UTC');
});

test('a session switched to another zone gives the same ISO strings (pg\'s parser reads them)', async (t) => {
  const db = createPool(requiredEnv('DATABASE_URL'), 1);
  t.after(() => db.end());
  const client = await db.connect();
  await client.query(`SET TIME ZONE 'America/St_Johns'`);
  const { rows } = await client.query<{ text: string; iso: string }>(`SELECT ts::text AS text, ts AS iso FROM (SELECT '1900-03-04 05:06:07.891234+00'::timestamptz AS ts) x`);
  client.release(true); // destroyed: a session in another zone goes back to no pool
  assert.match(rows[0].text, /-03:30:52$/); // St John's local mean time: an offset in seconds
  assert.equal(rows[0].iso, '1900-03-04T05:06:07.891Z');
});

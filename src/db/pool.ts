// The one PostgreSQL pool factory both backends use, with the type parsers the contract needs.
import pg from 'pg';
import { answersWithin, HEALTH_PING_MS } from '../infrastructure/deadline.ts';
import { timestamptzToIso } from './timestamptz.ts';

// DATE stays a 'YYYY-MM-DD' string (no timezone shifts); NUMERIC becomes a JS number.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => Number(v));
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
// TIMESTAMPTZ becomes the contract's ISO 8601 UTC string (what JSON.stringify makes of the Date pg's parser
// gives): sliced out of the text our UTC sessions write, pg's parser for anything else (src/db/timestamptz.ts).
// Code that computes with a timestamp parses it (`Date.parse`).
const pgTimestamptz: (v: string) => Date | number | null = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text');
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v: string) => timestamptzToIso(v, pgTimestamptz));

export type Db = pg.Pool;

/**
 * The connection string with `-c TimeZone=UTC` after any startup options it already has (the last setting
 * wins): every session writes timestamps at UTC, so the TIMESTAMPTZ parser can slice them. A startup
 * option, not a `SET` per new connection, so nothing runs before a client's first query. A server or pooler
 * that ignores it only costs the speed: timestamps then take pg's parser and the answers are the same.
 */
export function utcSessions(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', [url.searchParams.get('options'), '-c TimeZone=UTC'].filter(Boolean).join(' '));
  return url.toString();
}

export function createPool(databaseUrl: string, max = 10): Db {
  const pool = new pg.Pool({
    connectionString: utcSessions(databaseUrl),
    max,
    connectionTimeoutMillis: 2000, // fail fast (→ 503) instead of hanging when PostgreSQL is unreachable
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
    query_timeout: 11_000, // a partitioned network never answers: give up below the gateway's 15 s proxy timeout
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  return pool;
}

/** PostgreSQL answers `SELECT 1` within the health deadline (a hung server is "down", not a hung /health). */
export function pingDb(db: Db): Promise<boolean> {
  return answersWithin(async () => { await db.query('SELECT 1'); return true; }, HEALTH_PING_MS);
}

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

const SESSION_UTC = "SET TIME ZONE 'UTC'";

export function createPool(databaseUrl: string, max = 10): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: 2000, // fail fast (→ 503) instead of hanging when PostgreSQL is unreachable
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
    query_timeout: 11_000, // a partitioned network never answers: give up below the gateway's 15 s proxy timeout
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  // Every session writes timestamps at UTC, so the TIMESTAMPTZ parser can slice them. Queued before anything
  // the new client's first user sends (the pool emits 'connect' before handing it out); if it fails, or a
  // pooler does not keep it, timestamps take pg's parser instead and the answers are the same.
  pool.on('connect', (client) => {
    client.query(SESSION_UTC).catch(() => {});
  });
  return pool;
}

/** PostgreSQL answers `SELECT 1` within the health deadline (a hung server is "down", not a hung /health). */
export function pingDb(db: Db): Promise<boolean> {
  return answersWithin(async () => { await db.query('SELECT 1'); return true; }, HEALTH_PING_MS);
}

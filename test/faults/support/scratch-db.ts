// A private PostgreSQL database for one test file (same server as DATABASE_URL, migrated), so what a
// fault test does — flag overrides, outages, shutdowns — never reaches another suite's data or flags.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateUp } from '../../../src/db/migrate.ts';

export interface ScratchDb {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The same URL with host and port replaced (to go through a TCP proxy). */
export function withHostPort(url: string, host: string, port: number): string {
  const u = new URL(url);
  u.hostname = host;
  u.port = String(port);
  return u.toString();
}

export async function createScratchDb(label: string): Promise<ScratchDb> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL must be set');
  const name = `mvp_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(base, name);
  await migrateUp(url);
  return {
    url,
    name,
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

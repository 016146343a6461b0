// Private PostgreSQL databases on the server DATABASE_URL names, for one test file or one benchmark run:
// what it does (flag overrides, rows, outages) never meets another's data, flags or NOTIFY channel.
//
// The migrations run once per server and schema version, into a template database
// (<base>_tpl_<hash of the migrations>); each scratch database is then a `CREATE DATABASE … TEMPLATE`
// copy of it, which is much faster than migrating every time and lets test files run in parallel.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { migrateUp } from '../src/db/migrate.ts';

export interface ScratchDb {
  url: string;
  name: string;
  drop(): Promise<void>;
}

const MIGRATIONS_DIR = new URL('../src/db/migrations/', import.meta.url);
// PostgreSQL truncates identifiers at 63 bytes.
const MAX_NAME = 63;
// Serialises template creation across processes (any constant; pg_advisory_lock is per server).
const TEMPLATE_LOCK = 727_027;

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

function baseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
}

const ident = (s: string) => s.replace(/[^a-z0-9_]/gi, '_').toLowerCase();

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(MIGRATIONS_DIR).sort()) h.update(f).update(readFileSync(new URL(f, MIGRATIONS_DIR)));
  return h.digest('hex').slice(0, 10);
}

/** The template's name for `base` (DATABASE_URL) and the current migrations. */
export function templateName(base: string): string {
  return `${ident(baseName(base)).slice(0, MAX_NAME - 16)}_tpl_${migrationsHash()}`;
}

/** The prefix of every scratch database of `base`, so a run can clear what crashed runs left behind. */
export function scratchPrefix(base: string): string {
  return `${ident(baseName(base)).slice(0, 30)}_s_`;
}

async function withAdmin<T>(base: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const ensured = new Map<string, Promise<string>>();

/**
 * The migrated template for `base`, created when missing (under an advisory lock: test processes starting
 * together build it once). It is migrated under a temporary name and renamed when complete, so a copy is
 * never taken from a half-migrated template.
 */
export function ensureTemplate(base: string): Promise<string> {
  const name = templateName(base);
  let p = ensured.get(name);
  if (!p) {
    p = withAdmin(base, async (c) => {
      const exists = async () => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
      if (await exists()) return name;
      await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
      try {
        if (await exists()) return name;
        const building = `${name.slice(0, MAX_NAME - 9)}_building`;
        await c.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
        await c.query(`CREATE DATABASE "${building}"`);
        await migrateUp(withDatabase(base, building));
        await c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
        // Templates of older migrations are of no use any more.
        const prefix = name.slice(0, name.lastIndexOf('_tpl_') + 5);
        const old = await c.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND datname <> $2', [prefix, name]);
        for (const r of old.rows as Array<{ datname: string }>) await c.query(`DROP DATABASE IF EXISTS "${r.datname}"`).catch(() => {});
        return name;
      } finally {
        await c.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
      }
    });
    ensured.set(name, p);
    p.catch(() => ensured.delete(name));
  }
  return p;
}

/** Drops the scratch databases of `base` nobody is connected to (left by a run that was killed). */
export async function dropStaleScratchDbs(base: string): Promise<number> {
  return withAdmin(base, async (c) => {
    const { rows } = await c.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [scratchPrefix(base)]);
    let dropped = 0;
    for (const r of rows as Array<{ datname: string }>) {
      // Without FORCE: a database someone is using (another run on this server) is left alone.
      const ok = await c.query(`DROP DATABASE IF EXISTS "${r.datname}"`).then(() => true, () => false);
      if (ok) dropped++;
    }
    return dropped;
  });
}

/** A fresh, migrated database named after `label`, on the server of `base` (default DATABASE_URL). */
export async function createScratchDb(label: string, base = process.env.DATABASE_URL): Promise<ScratchDb> {
  if (!base) throw new Error('DATABASE_URL must be set');
  const template = await ensureTemplate(base);
  const suffix = `_${randomBytes(4).toString('hex')}`;
  const prefix = scratchPrefix(base);
  const name = `${prefix}${ident(label).slice(0, MAX_NAME - prefix.length - suffix.length)}${suffix}`;
  await withAdmin(base, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    url: withDatabase(base, name),
    name,
    drop: () => withAdmin(base, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

// Runs once before all test files: uses DATABASE_URL when set (CI: the machine's PostgreSQL), otherwise
// starts the embedded PostgreSQL. Builds the migrated template every test file's private database is
// copied from (stack/scratch-db.ts), and drops the private databases a killed run left behind.
// Test processes inherit the env.
import { migrateUp } from '../../src/db/migrate.ts';
import { dropStaleScratchDbs, ensureTemplate } from '../../stack/scratch-db.ts';

let stopEmbedded: (() => Promise<void>) | undefined;

export async function globalSetup() {
  if (!process.env.DATABASE_URL) {
    const { startEmbeddedPostgres } = await import('../../dev/embedded-postgres.ts');
    const pg = await startEmbeddedPostgres({ dataDir: '.data/pg-test', port: 54330 });
    process.env.DATABASE_URL = pg.databaseUrl;
    stopEmbedded = pg.stop;
    console.log(`[tests] DATABASE_URL not set: using embedded PostgreSQL at ${pg.databaseUrl}`);
  }
  if (!process.env.REDIS_URL) console.log('[tests] REDIS_URL not set: cache tests are skipped (set REDIS_URL to run them)');
  const base = process.env.DATABASE_URL;
  // The named database stays migrated too: `make dev` and direct checks may point at it.
  await Promise.all([migrateUp(base), ensureTemplate(base), dropStaleScratchDbs(base)]);
}

export async function globalTeardown() {
  await stopEmbedded?.();
}

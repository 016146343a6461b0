// Runs once before all test files: uses DATABASE_URL when set (CI: the machine's PostgreSQL), otherwise
// starts the embedded PostgreSQL; applies the migrations either way. Test processes inherit the env.
import { migrateUp } from '../../src/db/migrate.ts';

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
  await migrateUp(process.env.DATABASE_URL);
}

export async function globalTeardown() {
  await stopEmbedded?.();
}

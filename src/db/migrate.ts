// Applies the shared schema with node-pg-migrate under a PostgreSQL advisory lock: concurrent starters (the
// init containers of a rollout's pods) wait for each other, and the later ones find nothing left to do.
import { runner } from 'node-pg-migrate';
import { fileURLToPath } from 'node:url';

export const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

export async function migrateUp(databaseUrl: string, log: (msg: string) => void = () => {}): Promise<void> {
  await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    advisoryLockMode: 'wait', // the default, 'fail', would crash every pod but the first of a rollout
    log,
  });
}

// `node src/db/migrate.ts` — used by `make migrate` and the init containers (deploy/k8s). The lock is a
// session lock: FLAGS_DATABASE_URL (a direct, session URL) when set, since DATABASE_URL may be a
// transaction-mode pooler's.
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.FLAGS_DATABASE_URL || process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set');
    process.exit(1);
  }
  await migrateUp(url, (m) => console.log(m));
}

// Applies the shared schema with node-pg-migrate (advisory-locked, so concurrent starters are safe).
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
    log,
  });
}

// `node src/db/migrate.ts` — used by `make migrate`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set');
    process.exit(1);
  }
  await migrateUp(url, (m) => console.log(m));
}

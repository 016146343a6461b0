// `make openapi`: writes docs/openapi.json from the routes' schemas (DATABASE_URL, else the embedded
// PostgreSQL in .data/pg-openapi). test/openapi.test.ts fails while the committed copy is out of date.
import { writeFile } from 'node:fs/promises';
import { migrateUp } from '../src/db/migrate.ts';
import { buildOpenApiDocument, COMMITTED_DOCUMENT, formatDocument } from '../src/contract/build-document.ts';

let databaseUrl = process.env.DATABASE_URL;
let stop: (() => Promise<void>) | undefined;
if (!databaseUrl) {
  const { startEmbeddedPostgres } = await import('../dev/embedded-postgres.ts');
  const pg = await startEmbeddedPostgres({ dataDir: '.data/pg-openapi', port: 54331 });
  databaseUrl = pg.databaseUrl;
  stop = pg.stop;
}
try {
  await migrateUp(databaseUrl);
  await writeFile(COMMITTED_DOCUMENT, formatDocument(await buildOpenApiDocument(databaseUrl)));
  console.log(`wrote ${COMMITTED_DOCUMENT.pathname}`);
} finally {
  await stop?.();
}

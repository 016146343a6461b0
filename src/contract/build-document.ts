// Builds the OpenAPI document the way a gateway serves it at /docs/openapi.json, from a gateway with
// every feature on express: the capsules' routes are registered whatever the flags say, so the document
// never depends on them. Used by `make openapi` (scripts/openapi.ts) and the test that keeps
// docs/openapi.json current. Needs a migrated PostgreSQL (the flag store reads its overrides at start).
import { readFile } from 'node:fs/promises';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { CAPSULES } from '../capsules/registry.ts';
import { flagEnv } from '../../flags/registry.ts';

export const COMMITTED_DOCUMENT = new URL('../../docs/openapi.json', import.meta.url);

/** The document as committed: JSON with two-space indentation and a final newline. */
export const formatDocument = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;

/** The environment of an app built only for its document: production, quiet, every feature on express. */
export function documentEnv(databaseUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, HEAP_COMPACTION: 'false',
    // Never contacted: no request is made.
    AUTH_ISSUER: 'https://issuer.invalid/', AUTH_AUDIENCE: 'openapi', AUTH_JWKS_URL: 'https://issuer.invalid/.well-known/jwks.json',
    ...flagEnv('express', new Set(CAPSULES.map((c) => c.feature))),
  };
}

export async function buildOpenApiDocument(databaseUrl: string): Promise<unknown> {
  const env = documentEnv(databaseUrl);
  const app = await buildApp({ config: loadConfig(env), env, capsules: CAPSULES });
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
  }
}

export async function committedDocument(): Promise<string> {
  return readFile(COMMITTED_DOCUMENT, 'utf8');
}

// `node dev/fake-externals/server.ts`: runs the fakes standalone (FAKE_EXTERNALS_PORT, default 9200;
// FAKE_EXTERNALS_HOST, default 127.0.0.1; FAKE_JWKS_FILE optionally served at /.well-known/jwks.json).
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { startFakeExternals } from './index.ts';

const port = Number(process.env.FAKE_EXTERNALS_PORT ?? 9200);
const host = process.env.FAKE_EXTERNALS_HOST || '127.0.0.1';
const jwks = process.env.FAKE_JWKS_FILE
  ? (JSON.parse(readFileSync(process.env.FAKE_JWKS_FILE, 'utf8')) as JSONWebKeySet)
  : undefined;

const fakes = await startFakeExternals({ port, host, jwks });
console.log(`fake externals listening on ${fakes.url}`);
console.log(`  VPIC_BASE_URL=${fakes.vpicBaseUrl}`);
console.log(`  GOOGLE_MAPS_BASE_URL=${fakes.placesBaseUrl} GOOGLE_MAPS_API_KEY=${fakes.apiKey}`);
console.log(`  control: POST ${fakes.url}/__control {"service","mode","delayMs"} · POST /__control/reset · GET /__control/calls`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void fakes.close().then(() => process.exit(0));
  });
}

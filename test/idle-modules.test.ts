// What a started gateway loads before anyone uses a feature: not Node's bundled undici (the engine of
// fetch and WebSocket, +13 MB RSS), which an ES import of node:http pulls in (src/http/node-http.ts).
// Each check runs in a child process, so nothing this test process loaded counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { flagEnv } from '../flags/registry.ts';

const run = promisify(execFile);
const UNDICI_LOADED = "process.moduleLoadList.some((m) => m.includes('internal/deps/undici'))";
const src = (path: string) => JSON.stringify(new URL(`../src/${path}`, import.meta.url).href);

async function child(code: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, ...env } });
  return stdout.trim();
}

test('the premise: an ES import of node:http loads Node\'s undici, a require does not', async () => {
  assert.equal(await child(`import 'node:http'; console.log(${UNDICI_LOADED});`), 'true');
  assert.equal(await child(`import { http } from ${src('http/node-http.ts')}; http.createServer; console.log(${UNDICI_LOADED});`), 'false');
});

test('a gateway without a legacy app, built, ready and asked for /health, has not loaded it', async () => {
  // With a legacy app the proxy's undici package is loaded from the start (for a rollback flip), and it
  // loads Node's own at import: this holds for the end state, every feature native and Express gone.
  const code = `
    import { buildApp } from ${src('app.ts')};
    import { loadConfig } from ${src('config/config.ts')};
    const app = await buildApp({ config: loadConfig() });
    await app.ready();
    const health = await app.inject('/health');
    const unauthenticated = await app.inject('/api/vehicles');
    console.log(JSON.stringify({ undici: ${UNDICI_LOADED}, health: health.statusCode, vehicles: unauthenticated.statusCode }));
    await app.close();`;
  const out = JSON.parse(await child(code, {
    LOG_LEVEL: 'silent', LEGACY_URL: '', AUTH_ISSUER: 'https://issuer.test/', AUTH_AUDIENCE: 'motovaultpro',
    AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json', ...flagEnv('fastify'),
  }));
  // Both requests were answered by the gateway itself (health, and the capsule's 401 without a token).
  assert.deepEqual(out, { undici: false, health: 200, vehicles: 401 });
});

// /health is probed every few seconds: it must stay cheap. Its storage ping is a plain HTTP HEAD, so a
// gateway that is only probed never loads the MinIO client (src/infrastructure/storage.ts). The check runs
// in a child process that records every module it loads, so nothing this test process loaded counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { flagEnv } from '../flags/registry.ts';

const run = promisify(execFile);
const src = (path: string) => JSON.stringify(new URL(`../src/${path}`, import.meta.url).href);

test('asked for /health with storage configured, a gateway pings it over HTTP and never loads the MinIO client', async () => {
  const code = `
    import { registerHooks } from 'node:module';
    import { createServer } from 'node:http';
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    // The S3 endpoint: answers an unsigned HEAD of the bucket the way S3 servers do (403), and records it.
    const seen = [];
    const s3 = createServer((req, res) => { seen.push(req.method + ' ' + req.url); res.writeHead(403).end(); });
    await new Promise((r) => s3.listen(0, '127.0.0.1', r));
    process.env.MINIO_PORT = String(s3.address().port);
    const { buildApp } = await import(${src('app.ts')});
    const { loadConfig } = await import(${src('config/config.ts')});
    const app = await buildApp({ config: loadConfig() });
    await app.ready();
    const health = await app.inject('/health');
    s3.close();
    await app.close();
    console.log(JSON.stringify({ health: health.statusCode, body: health.json(), seen, minio: loaded.some((u) => u.includes('/node_modules/minio/')) }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], {
    env: {
      ...process.env, LOG_LEVEL: 'silent', LEGACY_URL: '', AUTH_ISSUER: 'https://issuer.test/', AUTH_AUDIENCE: 'motovaultpro',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json', MINIO_ENDPOINT: '127.0.0.1', MINIO_BUCKET: 'probe-bucket', MINIO_ACCESS_KEY: 'k', MINIO_SECRET_KEY: 's', ...flagEnv('fastify'),
    },
  });
  const out = JSON.parse(stdout.trim());
  assert.deepEqual(out.seen, ['HEAD /probe-bucket'], 'one plain HEAD of the bucket');
  assert.equal(out.health, 200);
  assert.deepEqual(out.body, { status: 'ok' }, 'storage answered (a 403 proves the server serves S3); strangers see the status only');
  assert.equal(out.minio, false, 'the minio package was not loaded');
});

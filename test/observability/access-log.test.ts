// The access log writes no query string (station searches carry a user's position) unless the route's
// config says `logQuery: true`, in the gateway and in the legacy app. The gateway runs in a child process
// whose stdout (pino's destination) is read back; the legacy app's lines come from a spawned process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startInfrastructure, type Infrastructure } from '../../stack/infrastructure.ts';
import { cleanEnv, spawnApp } from '../../stack/apps.ts';
import { flagEnv } from '../../flags/registry.ts';
import { requiredEnv } from '../support/env.ts';

const run = promisify(execFile);
const src = (path: string) => JSON.stringify(new URL(`../../src/${path}`, import.meta.url).href);

let infra: Infrastructure;
let env: Record<string, string>;
before(async () => {
  infra = await startInfrastructure({ from: {}, databaseUrl: requiredEnv('DATABASE_URL'), s3: false, auth: 'fresh-url' });
  env = { ...infra.env, NODE_ENV: 'test', LOG_LEVEL: 'info', LEGACY_URL: '', PATH: process.env.PATH ?? '' };
});
after(() => infra?.close());

interface AccessLine { msg: string; url: string; route: string; status: number }
const accessLines = (stdout: string): AccessLine[] =>
  stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as AccessLine).filter((l) => l.msg === 'request');

test('gateway: query strings are left out of the access log, unless the route marks them safe', async () => {
  const code = `
    const { buildApp } = await import(${src('app.ts')});
    const { loadConfig } = await import(${src('config/config.ts')});
    const app = await buildApp({ config: loadConfig() });
    app.get('/safe-query', { config: { logQuery: true } }, async () => 'ok');
    await app.ready();
    const token = ${JSON.stringify(await infra.sign({}))};
    await app.inject({ url: '/api/stations/search?lat=37.7749&lng=-122.4194', headers: { authorization: 'Bearer ' + token } });
    await app.inject('/safe-query?page=2');
    await app.inject('/no-such-page?email=someone@example.com');
    await app.close();`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { env: cleanEnv({ ...env, ...flagEnv('fastify') }) });
  const lines = accessLines(stdout);
  assert.deepEqual(lines.map((l) => [l.url, l.route]), [
    ['/api/stations/search', '/api/stations/search'],
    ['/safe-query?page=2', '/safe-query'],
    ['/no-such-page', 'unmatched'],
  ]);
  assert.ok(!stdout.includes('37.7749') && !stdout.includes('someone@example.com'), 'nothing from a query string anywhere in the output');
});

test('legacy app: its access log leaves the query string out too', async () => {
  const legacy = await spawnApp('legacy', { env });
  try {
    const res = await fetch(`${legacy.url}/api/stations/search?lat=37.7749&lng=-122.4194`, { headers: { authorization: `Bearer ${await infra.sign({})}` } });
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 200)); // the line is written on 'finish'
    const line = accessLines(legacy.output()).find((l) => l.url.startsWith('/api/stations'));
    assert.equal(line?.url, '/api/stations/search');
    assert.ok(!legacy.output().includes('37.7749'));
  } finally {
    await legacy.stop();
  }
});

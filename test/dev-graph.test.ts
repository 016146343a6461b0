// Production never loads dev tooling: a gateway built without DEV_TOOLS resolves no module under dev/ or
// src/dev-tools/ (the dev-tools plugin is imported only when DEV_TOOLS is on). Each check runs in a child
// process with a resolve hook that records every module it loads, so nothing this test process loaded counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagEnv } from '../flags/registry.ts';
import { ensureDevKeys } from '../dev/keys.ts';

const run = promisify(execFile);
const root = new URL('../', import.meta.url).href;

async function loadedModules(env: Record<string, string>): Promise<string[]> {
  const keyDir = await mkdtemp(join(tmpdir(), 'dev-graph-'));
  await ensureDevKeys(keyDir);
  const code = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
    const { buildApp } = await import(${JSON.stringify(`${root}src/app.ts`)});
    const { loadConfig } = await import(${JSON.stringify(`${root}src/config/config.ts`)});
    const app = await buildApp({ config: loadConfig() });
    await app.ready();
    await app.close();
    console.log(JSON.stringify(seen.filter((u) => u.startsWith(${JSON.stringify(root)})).map((u) => u.slice(${root.length}))));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], {
    env: {
      ...process.env, LOG_LEVEL: 'silent', LEGACY_URL: '', REDIS_URL: '', AUTH_ISSUER: 'https://issuer.test/', AUTH_AUDIENCE: 'motovaultpro',
      AUTH_JWKS_URL: '', AUTH_JWKS_FILE: join(keyDir, 'jwks.json'), ...flagEnv('fastify'), ...env,
    },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]');
}

const devOnly = (path: string) => path.startsWith('dev/') || path.startsWith('src/dev-tools/');

test('a production gateway (NODE_ENV=production, no DEV_TOOLS) loads nothing from dev/ or src/dev-tools/', async () => {
  const modules = await loadedModules({ NODE_ENV: 'production', DEV_TOOLS: 'false' });
  assert.ok(modules.includes('src/app.ts') && modules.some((m) => m.startsWith('fastify-features/')), 'the hook saw the gateway load');
  assert.deepEqual(modules.filter(devOnly), []);
});

test('the same gateway with DEV_TOOLS on (development) does load them: the check above can fail', async () => {
  const modules = await loadedModules({ NODE_ENV: 'development', DEV_TOOLS: 'true' });
  assert.ok(modules.includes('src/dev-tools/dev-tools-plugin.ts'));
  assert.ok(modules.includes('dev/keys.ts'));
});

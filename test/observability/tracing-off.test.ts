// Tracing costs nothing when it is off: a gateway and a legacy app started by their real entry points without
// OTEL_* variables load no OpenTelemetry SDK, instrumentation or loader hook, nor the gateway's tracing
// plugin. (The no-op @opentelemetry/api is not counted: prom-client's default process metrics load it anyway.) Each check runs in a child process with a resolve hook that records every
// module it loads, so nothing this test process loaded counts; the same check with OTEL_* set must see them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startInfrastructure } from '../../stack/infrastructure.ts';
import { requiredEnv } from '../support/env.ts';
import { cleanEnv } from '../../stack/apps.ts';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).href;
const TELEMETRY = /\/node_modules\/(@opentelemetry\/(?!api\/)|@fastify\/otel\/|import-in-the-middle\/|require-in-the-middle\/)|\/src\/telemetry\/(?!enabled\.ts|process-tracing\.ts)/;

/** The modules an entry point resolved by the time it listens (it is then stopped). */
async function modulesLoadedBy(entry: 'src/server.ts' | 'legacy-express/server.ts', env: Record<string, string>): Promise<string[]> {
  const code = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
    await import(${JSON.stringify(`${root}${entry}`)});
    setTimeout(() => { console.log(JSON.stringify([...seen])); process.exit(0); }, 200);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { env: cleanEnv({ ...process.env, ...env }), timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]');
}

async function appEnv(): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const infra = await startInfrastructure({ from: {}, databaseUrl: requiredEnv('DATABASE_URL'), s3: false, auth: 'fresh-url' });
  const env: Record<string, string> = { ...infra.env, LOG_LEVEL: 'silent', PORT: '0', LEGACY_PORT: '0', LEGACY_URL: '' };
  for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) env[name] = ''; // whatever this shell has
  return { env, close: () => infra.close() };
}

test('without OTEL_* neither entry point loads the OpenTelemetry SDK; with OTEL_* both do', async () => {
  const { env, close } = await appEnv();
  try {
    for (const entry of ['src/server.ts', 'legacy-express/server.ts'] as const) {
      const off = await modulesLoadedBy(entry, env);
      assert.ok(off.some((m) => m.includes('/node_modules/pg/')), `${entry}: the hook saw the app load`);
      assert.deepEqual(off.filter((m) => TELEMETRY.test(m)), [], entry);

      const on = await modulesLoadedBy(entry, { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
      assert.ok(on.some((m) => m.includes('/node_modules/@opentelemetry/sdk-node/')), `${entry}: the check can fail`);
    }
  } finally {
    await close();
  }
});

test('OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none keep it off even with an endpoint', async () => {
  const { tracingEnabled } = await import('../../src/telemetry/enabled.ts');
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
  assert.equal(tracingEnabled({}), false);
  assert.equal(tracingEnabled(endpoint), true);
  assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }), true);
  assert.equal(tracingEnabled({ OTEL_TRACES_EXPORTER: 'otlp' }), true);
  assert.equal(tracingEnabled({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }), false);
  assert.equal(tracingEnabled({ ...endpoint, OTEL_SDK_DISABLED: 'true' }), false);
});

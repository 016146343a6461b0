// The stack the web app's browser tests run against: the harness (legacy + an all-express and an
// all-fastify gateway) with the dev tools on and the apps trusting a dev key set in a temp dir, so the
// page signs in through POST /dev/token like `make dev`. Builds web/dist first when it is missing.
import { after } from 'node:test';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launch } from './browser.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDevKeys, signToken, DEV_AUDIENCE, DEV_ISSUER, type DevKeys } from '../../../dev/keys.ts';
import { build, Client, eventually, type TestEnv } from '../../helper.ts';
import { FEATURES, type Backend, type FeatureName } from '../../../flags/registry.ts';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** vite build of web/ into web/dist, in-process, unless a build is already there. */
export async function ensureWebBuilt(): Promise<void> {
  if (existsSync(join(WEB_DIST, 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: fileURLToPath(new URL('../../../web/vite.config.ts', import.meta.url)), logLevel: 'warn' });
}

export interface WebStack {
  env: TestEnv;
  keys: DevKeys;
  /** A token for `sub` signed with the dev keys (what POST /dev/token gives the page). */
  token(sub: string, permissions?: string[]): Promise<string>;
  /** Runtime override through the admin API of `gateway`; resolves once that gateway serves it. */
  flip(gateway: string, feature: FeatureName, backend: Backend): Promise<void>;
  /** Drops every override (each feature back to its gateway's env backend). */
  clearFlags(gateway: string): Promise<void>;
  close(): Promise<void>;
}

const PROBE: Record<FeatureName, string> = {
  vehicles: '/api/vehicles', 'fuel-logs': '/api/fuel-logs', stations: '/api/stations/saved', maintenance: '/api/maintenance/records',
};

export async function startWebStack(): Promise<WebStack> {
  await ensureWebBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'mvp-web-keys-'));
  const keys = await ensureDevKeys(dir);
  // A real browser needs real URLs; the file's root closes the apps.
  const env = await build({ level: 'http', env: { AUTH_JWKS_URL: '', AUTH_JWKS_FILE: keys.jwksFile, DEV_TOOLS: 'true' } });
  const token = (sub: string, permissions?: string[]) =>
    signToken({ privateJwk: keys.privateJwk, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub, permissions });
  const admin = await token('web-test-admin', ['admin:flags']);
  const probeUser = await token('web-test-probe');

  const adminCall = async (gateway: string, method: string, path: string, body?: unknown) => {
    const res = await new Client(gateway, admin).request(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${res.text}`);
  };
  const servedBy = async (gateway: string, feature: FeatureName) =>
    (await new Client(gateway, probeUser).get(PROBE[feature])).headers['x-backend'];

  return {
    env,
    keys,
    token,
    async flip(gateway, feature, backend) {
      await adminCall(gateway, 'PUT', `/admin/flags/${feature}`, { backend });
      await eventually(async () => {
        const by = await servedBy(gateway, feature);
        if (by !== backend) throw new Error(`${feature} still served by ${by}, want ${backend}`);
      }, { timeoutMs: 5000 });
    },
    async clearFlags(gateway) {
      for (const f of FEATURES) await adminCall(gateway, 'DELETE', `/admin/flags/${f.name}`);
    },
    async close() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The web stack and one headless browser for the calling test file, both closed after its tests (the browser
 * first). Call it at file scope: the harness closes the apps after the file, never from inside a hook.
 */
export async function startWebStackAndBrowser(): Promise<{ stack: WebStack; browser: Browser }> {
  const stack = await startWebStack();
  let browser: Browser;
  try {
    browser = await launch();
  } catch (err) {
    await stack.close();
    throw err;
  }
  after(async () => {
    await browser.close();
    await stack.close();
  });
  return { stack, browser };
}

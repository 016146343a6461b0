// Starts the real thing for a test file: the legacy Express app and two gateways (all features on
// express / all native features on fastify) over real HTTP on port 0, against the real PostgreSQL and
// Redis named by DATABASE_URL / REDIS_URL, an S3 endpoint (MINIO_* or an s3rver), the vPIC/Places fakes,
// and a JWKS served over HTTP.
// Once legacy-express/ is deleted (see scripts/check-express-free.sh) every target is the native gateway,
// so the same suites prove the API works without Express.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createDeps, closeDeps, type Deps } from '../../src/infrastructure/deps.ts';
import { CAPSULES } from '../../src/capsules/registry.ts';
import type { Capsule } from '../../src/capsules/capsule.ts';
import { flagEnv, type Backend } from '../../flags/registry.ts';

export { flagEnv } from '../../flags/registry.ts';
import type { FakeExternals } from '../../dev/fake-externals/index.ts';
import type { KeyPair, SignTokenOptions } from '../../dev/keys.ts';
import { startInfrastructure, started } from '../../stack/infrastructure.ts';
import { hasApp, startGatewayInProcess, startLegacyInProcess } from '../../stack/apps.ts';
import { newTestUser, type TestUser } from './users.ts';

export type { TestUser } from './users.ts';

export interface TestEnv {
  targets: { legacy: string; gatewayExpress: string; gatewayFastify: string };
  /** True when legacy-express/ is gone: then every target is the native gateway. */
  expressFree: boolean;
  fakes: FakeExternals;
  /** Direct access to PostgreSQL, Redis, cache and storage for assertions. */
  deps: Deps;
  config: Config;
  keys: KeyPair;
  capsules: readonly Capsule[];
  gateways: { express: FastifyInstance; fastify: FastifyInstance };
  newUser(opts?: { permissions?: string[] }): Promise<TestUser>;
  /** Signs a token with arbitrary options (for auth-failure tests). */
  sign(opts: Partial<SignTokenOptions> & { sub?: string }): Promise<string>;
  /** The environment the apps were configured from (to build more instances in a test). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment for every app (e.g. a short VPIC_TIMEOUT_MS). */
  env?: Record<string, string>;
}

const silent = pino({ level: 'silent' });

/** The shared Redis client (tests that need it skip without REDIS_URL before calling this). */
export function redisOf(env: TestEnv): NonNullable<Deps['redis']> {
  if (!env.deps.redis) throw new Error('REDIS_URL is not set: this test should have been skipped');
  return env.deps.redis;
}

/** The object store (always configured by startBackends: MINIO_* or its own s3rver). */
export function storeOf(env: TestEnv): NonNullable<Deps['store']> {
  if (!env.deps.store) throw new Error('no object store configured');
  return env.deps.store;
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function hasLegacyApp(): boolean {
  return hasApp('legacy');
}

/** The legacy Express app in this process, on a real port; its stop is pushed onto `cleanups`. */
export async function startLegacy(config: Config, cleanups: Array<() => Promise<unknown>>, port = 0): Promise<string> {
  const legacy = await startLegacyInProcess(config, port);
  cleanups.push(() => legacy.close());
  return legacy.url;
}

export async function startBackends(opts: StartOptions = {}): Promise<TestEnv> {
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL must be set (make test sets it, or starts an embedded PostgreSQL)');
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    return await start(opts, cleanups);
  } catch (err) {
    // Whatever did start must not keep the test process alive.
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
    throw err;
  }
}

async function start(opts: StartOptions, cleanups: Array<() => Promise<unknown>>): Promise<TestEnv> {
  const infra = await startInfrastructure({ from: { ...process.env, ...opts.env }, s3: {}, auth: 'fresh-url' });
  cleanups.push(() => infra.close());

  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    LOG_LEVEL: 'silent',
    VPIC_TIMEOUT_MS: '1000',
    GOOGLE_MAPS_TIMEOUT_MS: '1000',
    RATE_LIMIT_MAX: '100000',
    FLAG_SYNC_INTERVAL_MS: '200',
    PROXY_HEADERS_TIMEOUT_MS: '5000',
    ...infra.env,
    ...opts.env,
  };
  const baseConfig = loadConfig(env);
  const deps = createDeps(baseConfig, silent);
  cleanups.push(() => closeDeps(deps));

  const legacy = hasLegacyApp() ? await startLegacy(baseConfig, cleanups) : undefined;

  const capsules = CAPSULES;
  const native = new Set(capsules.map((c) => c.feature));
  const gatewayEnv = { ...env, ...(legacy ? { LEGACY_URL: legacy } : {}) };
  const startGateway = async (backend: Backend) => {
    const gw = await startGatewayInProcess({ env: { ...gatewayEnv, ...flagEnv(backend, native) }, capsules });
    cleanups.push(() => gw.close());
    return gw;
  };
  const gwFastify = await startGateway('fastify');
  const gwExpress = legacy ? await startGateway('express') : gwFastify;
  const sign: TestEnv['sign'] = (o) => infra.sign(o);

  return {
    targets: { legacy: legacy ?? gwFastify.url, gatewayExpress: gwExpress.url, gatewayFastify: gwFastify.url },
    expressFree: !legacy,
    fakes: started(infra, 'fakes'),
    deps,
    config: baseConfig,
    keys: started(infra, 'keys'),
    capsules,
    gateways: { express: gwExpress.app, fastify: gwFastify.app },
    env: gatewayEnv,
    sign,
    newUser: (o = {}) => newTestUser(sign, o),
    async close() {
      for (const fn of cleanups.reverse()) await fn().catch(() => {});
    },
  };
}

export interface BackendPair {
  legacy: string;
  gatewayFastify: string;
  close(): Promise<void>;
}

/**
 * One more legacy app and a gateway with every native capsule on, both configured from the harness's
 * environment with `overrides` (no API key, Redis unreachable, …). Once the legacy app is gone,
 * `legacy` is the gateway too.
 */
export async function startPair(env: TestEnv, overrides: Record<string, string>): Promise<BackendPair> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  };
  try {
    const legacy = hasLegacyApp() ? await startLegacy(loadConfig({ ...env.env, ...overrides }), cleanups) : undefined;
    const native = new Set(env.capsules.map((c) => c.feature));
    const gateway = await startGatewayInProcess({
      env: { ...env.env, ...overrides, ...(legacy ? { LEGACY_URL: legacy } : {}), ...flagEnv('fastify', native) },
      capsules: env.capsules,
    });
    cleanups.push(() => gateway.close());
    return { legacy: legacy ?? gateway.url, gatewayFastify: gateway.url, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The three ways a request can be served, by name, for tests that loop over them. */
export function targetList(env: TestEnv): Array<{ name: string; url: string }> {
  if (env.expressFree) return [{ name: 'gateway → fastify', url: env.targets.gatewayFastify }];
  return [
    { name: 'legacy direct', url: env.targets.legacy },
    { name: 'gateway → express', url: env.targets.gatewayExpress },
    { name: 'gateway → fastify', url: env.targets.gatewayFastify },
  ];
}

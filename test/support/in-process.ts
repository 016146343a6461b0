// The in-process levels of test/helper.ts (use build() from there): the legacy Express app and two
// gateways (all features on express / all native features on fastify) in this process on port 0, against
// a private database copied from the migrated template (stack/scratch-db.ts) on the server DATABASE_URL
// names, the Redis of REDIS_URL under a private key prefix, an S3 endpoint (MINIO_* or an s3rver), the
// vPIC/Places fakes, and a JWKS served over HTTP. Nothing a file does reaches another file's data, flags,
// cache entries or rate-limit counters, so files run in parallel.
// Once legacy-express/ is deleted (see scripts/check-express-free.sh) every target is the native gateway,
// so the same suites prove the API works without Express.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
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
import { createScratchDb } from '../../stack/scratch-db.ts';
import { newTestUser, type TestUser } from './users.ts';
import { Client, type Endpoint } from './client.ts';

export type { TestUser } from './users.ts';

export interface TestEnv {
  targets: { legacy: string; gatewayExpress: string; gatewayFastify: string };
  /** True when legacy-express/ is gone: then every target is the native gateway. */
  expressFree: boolean;
  fakes: FakeExternals;
  /** Direct access to PostgreSQL, Redis, cache and storage for assertions (deps.redis has no key prefix: use `redis`). */
  deps: Deps;
  /** Redis with this file's key prefix (so cacheKeys.* name what the apps wrote), or null without REDIS_URL. */
  redis: Redis | null;
  /** This file's private database (also env.DATABASE_URL). */
  databaseUrl: string;
  config: Config;
  keys: KeyPair;
  capsules: readonly Capsule[];
  gateways: { express: FastifyInstance; fastify: FastifyInstance };
  /** Clients of gateway targets inject (level 'inject') or use real HTTP (level 'http'). */
  inject: boolean;
  newUser(opts?: { permissions?: string[] }): Promise<TestUser>;
  /** A client of `target` (see targetList) sending `token`. */
  client(target: Target, token?: string): Client;
  /** What a Client of one of `targets` talks to: the gateway app itself at the inject level, else its URL. */
  endpoint(which: keyof TestEnv['targets']): Endpoint;
  /** Signs a token with arbitrary options (for auth-failure tests). */
  sign(opts: Partial<SignTokenOptions> & { sub?: string }): Promise<string>;
  /** The environment the apps were configured from (to build more instances in a test). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment for every app (e.g. a short VPIC_TIMEOUT_MS). */
  env?: Record<string, string>;
  /** Names the private database (default: the test file's name). */
  label?: string;
  /** Clients of the gateway targets inject instead of using a socket (the `inject` level). */
  inject?: boolean;
}

const silent = pino({ level: 'silent' });

/** The file's Redis, key prefix included (tests that need it skip without REDIS_URL before calling this). */
export function redisOf(env: TestEnv): Redis {
  if (!env.redis) throw new Error('REDIS_URL is not set: this test should have been skipped');
  return env.redis;
}

/** Deletes this file's keys matching `pattern` (KEYS patterns do not get the client's prefix; DEL does). */
/** The keys matching `pattern` under the client's key prefix, named without it (KEYS takes no prefix itself). */
export async function keysOf(redis: Redis, pattern: string): Promise<string[]> {
  const prefix = redis.options.keyPrefix ?? '';
  return (await redis.keys(`${prefix}${pattern}`)).map((k) => k.slice(prefix.length));
}

export async function clearKeys(redis: Redis, pattern: string): Promise<void> {
  const prefix = redis.options.keyPrefix ?? '';
  const keys = (await redis.keys(`${prefix}${pattern}`)).map((k) => k.slice(prefix.length));
  if (keys.length) await redis.del(...keys);
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

/** The running test file's path under test/, without .test.ts: names its private database. */
export function fileLabel(): string {
  const file = process.argv[1] ?? 'test';
  return file.replace(/^.*\/test\//, '').replace(/\.test\.ts$/, '');
}

async function start(opts: StartOptions, cleanups: Array<() => Promise<unknown>>): Promise<TestEnv> {
  const scratch = await createScratchDb(opts.label ?? fileLabel());
  cleanups.push(() => scratch.drop());
  const redisKeyPrefix = `${scratch.name}:`;
  const infra = await startInfrastructure({ from: { ...process.env, NODE_ENV: 'test', ...opts.env }, s3: {}, auth: 'fresh-url' });
  cleanups.push(() => infra.close());

  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    // Pinned: an in-process vite build (test/browser) sets process.env.NODE_ENV to production.
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    VPIC_TIMEOUT_MS: '1000',
    GOOGLE_MAPS_TIMEOUT_MS: '1000',
    RATE_LIMIT_MAX: '100000',
    // Several files run at once, each with four pools (legacy, two gateways, the test's): stay well inside
    // PostgreSQL's connection limit.
    DB_POOL_MAX: '4',
    FLAG_SYNC_INTERVAL_MS: '200',
    PROXY_HEADERS_TIMEOUT_MS: '5000',
    ...infra.env,
    DATABASE_URL: scratch.url,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    ...opts.env,
  };
  const baseConfig = loadConfig(env);
  const deps = createDeps(baseConfig, silent);
  cleanups.push(() => closeDeps(deps));
  // Commands wait for the connection (offline queue); an unreachable Redis (a degraded-mode test) only
  // makes the tests that use this client fail, never the start.
  const redis = baseConfig.REDIS_URL ? new Redis(baseConfig.REDIS_URL, { keyPrefix: redisKeyPrefix, maxRetriesPerRequest: 1 }) : null;
  if (redis) {
    redis.on('error', () => {});
    cleanups.push(async () => redis.disconnect());
  }

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

  const targets = { legacy: legacy ?? gwFastify.url, gatewayExpress: gwExpress.url, gatewayFastify: gwFastify.url };
  return {
    targets,
    expressFree: !legacy,
    fakes: started(infra, 'fakes'),
    deps,
    redis,
    databaseUrl: scratch.url,
    config: baseConfig,
    keys: started(infra, 'keys'),
    capsules,
    gateways: { express: gwExpress.app, fastify: gwFastify.app },
    env: gatewayEnv,
    inject: opts.inject ?? false,
    client: (target, token) => new Client(target.endpoint, token),
    endpoint: (which) => {
      if (!opts.inject || which === 'legacy') return targets[which];
      return which === 'gatewayExpress' ? gwExpress.app : gwFastify.app;
    },
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

export interface Target {
  name: string;
  /** A real URL (every in-process app listens: the gateway's proxy needs the legacy app's port). */
  url: string;
  /** What a Client of this target talks to: the gateway app itself at the inject level, else `url`. */
  endpoint: Endpoint;
  /** The x-backend header an /api answer from this target carries. */
  backend: Backend;
}

/**
 * The three ways a request can be served, by name, for tests that loop over them; `codePaths` keeps the
 * two that run different code (legacy direct, gateway → fastify: gateway → express is the proxy in front of
 * the first). Once legacy-express/ is gone the native gateway is the only one.
 */
export function targetList(env: TestEnv, which: 'all' | 'codePaths' = 'all'): Target[] {
  const target = (name: string, key: keyof TestEnv['targets'], backend: Backend): Target =>
    ({ name, url: env.targets[key], endpoint: env.endpoint(key), backend });
  const fastify = target('gateway → fastify', 'gatewayFastify', 'fastify');
  if (env.expressFree) return [fastify];
  const legacy = target('legacy direct', 'legacy', 'express');
  if (which === 'codePaths') return [legacy, fastify];
  return [legacy, target('gateway → express', 'gatewayExpress', 'express'), fastify];
}

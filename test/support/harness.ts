// Starts the real thing for a test file: the legacy Express app and two gateways (all features on
// express / all native features on fastify) over real HTTP on port 0, against the real PostgreSQL and
// Redis named by DATABASE_URL / REDIS_URL, an S3 endpoint (MINIO_* or an s3rver), the vPIC/Places fakes,
// and a JWKS served over HTTP.
// Once legacy-express/ is deleted (see scripts/check-express-free.sh) every target is the native gateway,
// so the same suites prove the API works without Express.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createDeps, closeDeps, type Deps } from '../../src/core/deps.ts';
import { buildApp } from '../../src/app.ts';
import { CAPSULES } from '../../src/capsules/registry.ts';
import type { Capsule } from '../../src/capsules/capsule.ts';
import { FEATURES, type Backend, type FeatureName } from '../../flags/registry.ts';
import { startFakeExternals, type FakeExternals } from '../../dev/fake-externals/index.ts';
import { startS3 } from '../../dev/s3.ts';
import { generateDevKeyPair, signToken, DEV_AUDIENCE, DEV_ISSUER, type KeyPair } from '../../dev/keys.ts';
import { Client } from './client.ts';

export interface TestUser {
  sub: string;
  token: string;
  client(baseUrl: string): Client;
}

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
  sign(opts: Partial<Parameters<typeof signToken>[0]> & { sub?: string }): Promise<string>;
  /** The environment the apps were configured from (to build more instances in a test). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment for every app (e.g. a short VPIC_TIMEOUT_MS). */
  env?: Record<string, string>;
}

const silent = pino({ level: 'silent' });

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function flagEnv(backend: Backend, native: ReadonlySet<FeatureName>): Record<string, string> {
  return Object.fromEntries(FEATURES.map((f) => [f.envVar, backend === 'fastify' && native.has(f.name) ? 'fastify' : 'express']));
}

const legacyAppUrl = new URL('../../legacy-express/app.ts', import.meta.url);

export function hasLegacyApp(): boolean {
  return existsSync(fileURLToPath(legacyAppUrl));
}

/** The legacy Express app in this process, on a real port. Loaded dynamically: it may have been deleted. */
export async function startLegacy(config: Config, cleanups: Array<() => Promise<unknown>>, port = 0): Promise<string> {
  const { buildLegacyApp } = await import(legacyAppUrl.href);
  const legacyDeps = createDeps(config, silent);
  const server: Server = buildLegacyApp(legacyDeps, silent).listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await closeDeps(legacyDeps);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
  const keys = await generateDevKeyPair();
  const fakes = await startFakeExternals({ jwks: keys.jwks });
  cleanups.push(() => fakes.close());

  let s3Env: Record<string, string>;
  if (process.env.MINIO_ENDPOINT) {
    s3Env = {};
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'mvp-s3-'));
    const s3 = await startS3({ dir, port: 0 });
    cleanups.push(() => s3.close(), () => rm(dir, { recursive: true, force: true }));
    s3Env = { MINIO_ENDPOINT: s3.endPoint, MINIO_PORT: String(s3.port), MINIO_ACCESS_KEY: s3.accessKey, MINIO_SECRET_KEY: s3.secretKey };
  }

  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    LOG_LEVEL: 'silent',
    AUTH_ISSUER: DEV_ISSUER,
    AUTH_AUDIENCE: DEV_AUDIENCE,
    AUTH_JWKS_URL: `${fakes.url}/.well-known/jwks.json`,
    AUTH_JWKS_FILE: '',
    VPIC_BASE_URL: fakes.vpicBaseUrl,
    GOOGLE_MAPS_BASE_URL: fakes.placesBaseUrl,
    GOOGLE_MAPS_API_KEY: fakes.apiKey,
    VPIC_TIMEOUT_MS: '1000',
    GOOGLE_MAPS_TIMEOUT_MS: '1000',
    RATE_LIMIT_MAX: '100000',
    FLAG_SYNC_INTERVAL_MS: '200',
    PROXY_HEADERS_TIMEOUT_MS: '5000',
    ...s3Env,
    ...opts.env,
  };
  const baseConfig = loadConfig(env);
  const deps = createDeps(baseConfig, silent);
  await deps.store?.ensureBucket();
  cleanups.push(() => closeDeps(deps));

  const legacy = hasLegacyApp() ? await startLegacy(baseConfig, cleanups) : undefined;

  const capsules = CAPSULES;
  const native = new Set(capsules.map((c) => c.feature));
  const gatewayEnv = { ...env, ...(legacy ? { LEGACY_URL: legacy } : {}) };
  const gatewayConfig = loadConfig(gatewayEnv);
  const startGateway = async (backend: Backend) => {
    const app = await buildApp({ config: gatewayConfig, env: { ...gatewayEnv, ...flagEnv(backend, native) }, capsules });
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    return app;
  };
  const gwFastify = await startGateway('fastify');
  const gwExpress = legacy ? await startGateway('express') : gwFastify;
  const urlOf = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const sign: TestEnv['sign'] = (o) =>
    signToken({ privateJwk: keys.privateJwk, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub: o.sub ?? `user-${randomUUID()}`, ...o });

  return {
    targets: { legacy: legacy ?? urlOf(gwFastify), gatewayExpress: urlOf(gwExpress), gatewayFastify: urlOf(gwFastify) },
    expressFree: !legacy,
    fakes,
    deps,
    config: baseConfig,
    keys,
    capsules,
    gateways: { express: gwExpress, fastify: gwFastify },
    env: gatewayEnv,
    sign,
    async newUser(o = {}) {
      const sub = `user-${randomUUID()}`;
      const token = await sign({ sub, permissions: o.permissions });
      return { sub, token, client: (baseUrl: string) => new Client(baseUrl, token) };
    },
    async close() {
      for (const fn of cleanups.reverse()) await fn().catch(() => {});
    },
  };
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

// Everything a multi-process run needs around the apps it spawns (the tests' `processes` level, the
// benchmarks, deploy/measure-rss.ts): a private database (stack/scratch-db.ts), a private Redis key prefix,
// an S3 endpoint, the vPIC/Places fakes with a JWKS, and optional TCP proxies in front of PostgreSQL, Redis
// and S3 so each can be cut. `appEnv` is the environment for the child processes; `db` talks to PostgreSQL
// directly (never through the proxy) for assertions.
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { flagEnv } from '../flags/registry.ts';
import type { FakeExternals } from '../dev/fake-externals/index.ts';
import type { KeyPair } from '../dev/keys.ts';
import { ServiceNotStartedError, startInfrastructure, started } from './infrastructure.ts';
import { spawnApp, type AppProcess } from './apps.ts';
import { createScratchDb, withHostPort } from './scratch-db.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

export interface StackOptions {
  label: string;
  proxy?: { postgres?: boolean; redis?: boolean; s3?: boolean };
  env?: Record<string, string>;
}

export type ProxiedService = 'postgres' | 'redis' | 's3';

/** A user with a fresh random `sub` and a token signed for it. */
export interface StackUser {
  sub: string;
  token: string;
}

export interface Stack {
  appEnv: Record<string, string>;
  /** What the apps use (through the proxy when there is one). */
  databaseUrl: string;
  /** The private database, directly. */
  directDatabaseUrl: string;
  db: pg.Pool;
  /** Before every cache and rate-limit key of this stack's apps (REDIS_KEY_PREFIX). */
  redisKeyPrefix: string;
  fakes: FakeExternals;
  keys: KeyPair;
  /** The TCP proxy in front of a service (ServiceNotStartedError unless `proxy` asked for it). */
  proxy(service: ProxiedService): TcpProxy;
  sign(o?: { sub?: string; permissions?: string[] }): Promise<string>;
  newUser(o?: { permissions?: string[] }): Promise<StackUser>;
  spawnLegacy(extra?: Record<string, string>, name?: string, port?: number): Promise<AppProcess>;
  spawnGateway(legacyUrl: string, extra?: Record<string, string>, name?: string, port?: number): Promise<AppProcess>;
  close(): Promise<void>;
}

export const ALL_EXPRESS = flagEnv('express');

// Several process suites start their apps at the same time (make test-processes): a start is a failure only
// when it takes far longer than one alone would.
const READY_TIMEOUT_MS = 60_000;

/** Flag env putting every feature that has a native capsule on fastify. */
export async function nativeFlags(): Promise<Record<string, string>> {
  const { CAPSULES } = await import('../src/capsules/registry.ts');
  return flagEnv('fastify', new Set(CAPSULES.map((c) => c.feature)));
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const procs: AppProcess[] = [];
  try {
    const scratch = await createScratchDb(opts.label);
    cleanups.push(() => scratch.drop());
    const db = new pg.Pool({ connectionString: scratch.url, max: 4 });
    db.on('error', () => {});
    cleanups.push(() => db.end());

    // Always an s3rver of our own: the S3 proxy needs its port, and outages must not reach a shared MinIO.
    const infra = await startInfrastructure({
      from: { REDIS_URL: process.env.REDIS_URL }, databaseUrl: scratch.url, s3: { ignoreConfigured: true }, auth: 'fresh-url',
    });
    cleanups.push(() => infra.close());
    const s3 = started(infra, 's3');
    const fakes = started(infra, 'fakes');

    const proxies: Partial<Record<ProxiedService, TcpProxy>> = {};
    let databaseUrl = scratch.url;
    if (opts.proxy?.postgres) {
      const u = new URL(scratch.url);
      proxies.postgres = await startTcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
      databaseUrl = withHostPort(scratch.url, '127.0.0.1', proxies.postgres.port);
    }
    let redisUrl = process.env.REDIS_URL ?? '';
    if (opts.proxy?.redis) {
      if (!redisUrl) throw new Error('REDIS_URL must be set for a Redis fault test');
      const u = new URL(redisUrl);
      proxies.redis = await startTcpProxy({ host: u.hostname, port: Number(u.port || 6379) });
      redisUrl = withHostPort(redisUrl, '127.0.0.1', proxies.redis.port);
    }
    let s3Port = s3.port;
    if (opts.proxy?.s3) {
      proxies.s3 = await startTcpProxy({ host: s3.endPoint, port: s3.port });
      s3Port = proxies.s3.port;
    }
    for (const p of Object.values(proxies)) if (p) cleanups.push(() => p.close());

    const redisKeyPrefix = `${scratch.name}:`;
    const appEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...infra.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      MINIO_PORT: String(s3Port),
      VPIC_TIMEOUT_MS: '1000',
      GOOGLE_MAPS_TIMEOUT_MS: '1000',
      RATE_LIMIT_MAX: '1000000',
      FLAG_SYNC_INTERVAL_MS: '200',
      PROXY_CONNECT_TIMEOUT_MS: '1000',
      PROXY_HEADERS_TIMEOUT_MS: '5000',
      SHUTDOWN_GRACE_MS: '10000',
      ...opts.env,
    };

    const sign: Stack['sign'] = (o = {}) => infra.sign(o);

    return {
      appEnv,
      databaseUrl,
      directDatabaseUrl: scratch.url,
      db,
      redisKeyPrefix,
      fakes,
      keys: started(infra, 'keys'),
      proxy: (service) => {
        const p = proxies[service];
        if (!p) throw new ServiceNotStartedError(`the ${service} proxy`);
        return p;
      },
      sign,
      async newUser(o = {}) {
        const sub = `user-${randomUUID()}`;
        return { sub, token: await sign({ sub, permissions: o.permissions }) };
      },
      async spawnLegacy(extra = {}, name = 'legacy', port) {
        const p = await spawnApp('legacy', { name, port, readyTimeoutMs: READY_TIMEOUT_MS, env: { ...appEnv, ...extra } });
        procs.push(p);
        return p;
      },
      async spawnGateway(legacyUrl, extra = {}, name = 'gateway', port) {
        const p = await spawnApp('gateway', { name, port, readyTimeoutMs: READY_TIMEOUT_MS, env: { ...appEnv, LEGACY_URL: legacyUrl, ...extra } });
        procs.push(p);
        return p;
      },
      async close() {
        await Promise.all(procs.map((p) => p.stop(3000)));
        for (const fn of cleanups.reverse()) await fn().catch(() => {});
      },
    };
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop(1000)));
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
    throw err;
  }
}

export interface Target { name: string; proc: AppProcess }

/** The three ways a request is served: legacy direct, gateway → express, gateway → fastify. */
export async function spawnAllTargets(stack: Stack): Promise<Target[]> {
  const legacy = await stack.spawnLegacy();
  const [gwExpress, gwNative] = await Promise.all([
    stack.spawnGateway(legacy.url, ALL_EXPRESS, 'gateway → express'),
    stack.spawnGateway(legacy.url, await nativeFlags(), 'gateway → fastify'),
  ]);
  return [{ name: 'legacy direct', proc: legacy }, { name: 'gateway → express', proc: gwExpress }, { name: 'gateway → fastify', proc: gwNative }];
}

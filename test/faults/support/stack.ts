// Everything a fault test needs around the apps it spawns: a private database, an S3 endpoint, the
// vPIC/Places fakes with a JWKS, and optional TCP proxies in front of PostgreSQL, Redis and S3 so each
// can be cut. `appEnv` is the environment for the child processes; `db` talks to PostgreSQL directly
// (never through the proxy) for assertions.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startFakeExternals, type FakeExternals } from '../../../dev/fake-externals/index.ts';
import { startS3 } from '../../../dev/s3.ts';
import { generateDevKeyPair, signToken, DEV_AUDIENCE, DEV_ISSUER, type KeyPair } from '../../../dev/keys.ts';
import { Client } from '../../support/client.ts';
import { createScratchDb, withHostPort } from './scratch-db.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { spawnApp, type AppProcess } from './processes.ts';

export interface StackOptions {
  label: string;
  proxy?: { postgres?: boolean; redis?: boolean; s3?: boolean };
  env?: Record<string, string>;
}

export interface Stack {
  appEnv: Record<string, string>;
  /** What the apps use (through the proxy when there is one). */
  databaseUrl: string;
  /** The private database, directly. */
  directDatabaseUrl: string;
  db: pg.Pool;
  fakes: FakeExternals;
  keys: KeyPair;
  proxies: { postgres?: TcpProxy; redis?: TcpProxy; s3?: TcpProxy };
  sign(o?: { sub?: string; permissions?: string[] }): Promise<string>;
  newUser(o?: { permissions?: string[] }): Promise<{ sub: string; token: string; client(url: string): Client }>;
  spawnLegacy(extra?: Record<string, string>, name?: string, port?: number): Promise<AppProcess>;
  spawnGateway(legacyUrl: string, extra?: Record<string, string>, name?: string, port?: number): Promise<AppProcess>;
  close(): Promise<void>;
}

export const ALL_EXPRESS = { VEHICLES_BACKEND: 'express', FUEL_LOGS_BACKEND: 'express', STATIONS_BACKEND: 'express', MAINTENANCE_BACKEND: 'express' };

/** Flag env putting every feature that has a native capsule on fastify. */
export async function nativeFlags(): Promise<Record<string, string>> {
  const { CAPSULES } = await import('../../../src/capsules/registry.ts');
  const { FEATURES } = await import('../../../flags/registry.ts');
  const native = new Set(CAPSULES.map((c) => c.feature));
  return Object.fromEntries(FEATURES.map((f) => [f.envVar, native.has(f.name) ? 'fastify' : 'express']));
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

    const keys = await generateDevKeyPair();
    const fakes = await startFakeExternals({ jwks: keys.jwks });
    cleanups.push(() => fakes.close());

    const dir = await mkdtemp(join(tmpdir(), 'mvp-faults-s3-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const s3 = await startS3({ dir, port: 0 });
    cleanups.push(() => s3.close());

    const proxies: Stack['proxies'] = {};
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
    for (const p of Object.values(proxies)) cleanups.push(() => p!.close());

    const appEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      MINIO_ENDPOINT: s3.endPoint,
      MINIO_PORT: String(s3Port),
      MINIO_ACCESS_KEY: s3.accessKey,
      MINIO_SECRET_KEY: s3.secretKey,
      AUTH_ISSUER: DEV_ISSUER,
      AUTH_AUDIENCE: DEV_AUDIENCE,
      AUTH_JWKS_URL: `${fakes.url}/.well-known/jwks.json`,
      VPIC_BASE_URL: fakes.vpicBaseUrl,
      GOOGLE_MAPS_BASE_URL: fakes.placesBaseUrl,
      GOOGLE_MAPS_API_KEY: fakes.apiKey,
      VPIC_TIMEOUT_MS: '1000',
      GOOGLE_MAPS_TIMEOUT_MS: '1000',
      RATE_LIMIT_MAX: '1000000',
      FLAG_SYNC_INTERVAL_MS: '200',
      PROXY_CONNECT_TIMEOUT_MS: '1000',
      PROXY_HEADERS_TIMEOUT_MS: '5000',
      SHUTDOWN_GRACE_MS: '10000',
      ...opts.env,
    };

    // The bucket must exist before the first upload (make dev does the same).
    {
      const { ObjectStore } = await import('../../../src/core/storage.ts');
      await new ObjectStore({ endPoint: s3.endPoint, port: s3.port, useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket: 'motovaultpro', region: 'us-east-1' }).ensureBucket();
    }

    const sign: Stack['sign'] = (o = {}) =>
      signToken({ privateJwk: keys.privateJwk, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub: o.sub ?? `user-${randomUUID()}`, permissions: o.permissions });

    return {
      appEnv,
      databaseUrl,
      directDatabaseUrl: scratch.url,
      db,
      fakes,
      keys,
      proxies,
      sign,
      async newUser(o = {}) {
        const sub = `user-${randomUUID()}`;
        const token = await sign({ sub, permissions: o.permissions });
        return { sub, token, client: (url: string) => new Client(url, token) };
      },
      async spawnLegacy(extra = {}, name = 'legacy', port) {
        const p = await spawnApp('legacy', { name, port, env: { ...appEnv, ...extra } });
        procs.push(p);
        return p;
      },
      async spawnGateway(legacyUrl, extra = {}, name = 'gateway', port) {
        const p = await spawnApp('gateway', { name, port, env: { ...appEnv, LEGACY_URL: legacyUrl, ...extra } });
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

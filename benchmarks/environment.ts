// What the three server processes share: PostgreSQL (DATABASE_URL, else the embedded one), Redis
// (REDIS_URL), a fresh signing key whose JWKS they read from a file, and the fake Places/vPIC.
import type { FakeExternals } from '../dev/fake-externals/index.ts';
import type { KeyPair } from '../dev/keys.ts';
import { startInfrastructure, started } from '../stack/infrastructure.ts';

export interface BenchEnvironment {
  databaseUrl: string;
  databaseSource: 'DATABASE_URL' | 'embedded';
  redisUrl: string;
  redisNote: string;
  keys: KeyPair;
  jwksFile: string;
  fakes: FakeExternals;
  /** Environment common to the legacy app and both gateways. */
  serverEnv: Record<string, string>;
  sign(sub: string, permissions?: string[]): Promise<string>;
  close(): Promise<void>;
}

/** High enough never to trip during a run; the limiter (and its Redis counter) still runs on every request. */
export const RATE_LIMIT_MAX = 1_000_000_000;

/**
 * The bench keeps its Redis keys (rate-limit counter, caches) in their own logical database so that a
 * run never pushes the shared `mvp:ratelimit:127.0.0.1` counter of tests running on the same Redis
 * over their limit. Same server, same code path. BENCH_REDIS_DB='' uses REDIS_URL unchanged.
 */
function benchRedisUrl(raw: string): { url: string; note: string } {
  if (!raw) return { url: '', note: 'REDIS_URL not set: cache and shared rate-limit counters OFF (stations/stats served uncached)' };
  const db = process.env.BENCH_REDIS_DB ?? '15';
  const u = new URL(raw);
  if (db === '' || (u.pathname && u.pathname !== '/')) return { url: raw, note: `REDIS_URL as given` };
  u.pathname = `/${db}`;
  return { url: u.toString(), note: `REDIS_URL with logical database ${db} (BENCH_REDIS_DB) to keep bench keys apart from tests'` };
}

export async function setUpEnvironment(opts: { tmpDir: string; log: (m: string) => void }): Promise<BenchEnvironment> {
  if (!process.env.DATABASE_URL) opts.log('DATABASE_URL not set: starting the embedded PostgreSQL (.data/pg-bench, port 54331)');
  const redis = benchRedisUrl(process.env.REDIS_URL ?? '');
  const infra = await startInfrastructure({
    from: { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: redis.url },
    postgres: { embedded: { dataDir: '.data/pg-bench', port: 54331 } },
    auth: 'fresh-file',
    tmpDir: opts.tmpDir,
    log: opts.log,
  });

  const serverEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    ...infra.env,
    RATE_LIMIT_MAX: String(RATE_LIMIT_MAX),
  };

  return {
    databaseUrl: infra.databaseUrl,
    databaseSource: infra.databaseSource === 'embedded' ? 'embedded' : 'DATABASE_URL',
    redisUrl: redis.url,
    redisNote: redis.note,
    keys: started(infra, 'keys'),
    jwksFile: infra.env.AUTH_JWKS_FILE,
    fakes: started(infra, 'fakes'),
    serverEnv,
    sign: (sub, permissions) => infra.sign({ sub, expiresIn: '6h', permissions }),
    close: () => infra.close(),
  };
}

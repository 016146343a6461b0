// `make dev`: the whole stack in the foreground. Every service not configured by env gets its embedded
// default (PostgreSQL, s3rver, vPIC/Places fakes, dev signing keys); then migrations, the bucket, and the
// two apps. Ctrl-C / SIGTERM stops the apps first, then the infrastructure, and exits 0.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config/config.ts';
import { ObjectStore } from '../src/core/storage.ts';
import { migrateUp } from '../src/db/migrate.ts';
import { startApp, type AppProcess } from './children.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { startFakeExternals } from './fake-externals/index.ts';
import { DEV_AUDIENCE, DEV_ISSUER, ensureDevKeys } from './keys.ts';
import { forgetApps, recordApps, stopLeftoverApps } from './leftovers.ts';
import { DATA_DIR, REPO_ROOT } from './paths.ts';
import { startS3 } from './s3.ts';

const log = (msg: string) => console.log(`[stack] ${msg}`);
const env: NodeJS.ProcessEnv = { ...process.env };
const notes: string[] = []; // banner lines, one per service
const stops: Array<{ name: string; stop: () => Promise<void> }> = []; // infrastructure, stopped in reverse
const apps: AppProcess[] = [];
let shuttingDown = false;
let exitCode = 0;

async function shutdown(code: number, reason: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  exitCode = code;
  log(`${reason}: stopping`);
  await startup.catch(() => {}); // let the step in flight finish, so what it started gets stopped too
  await Promise.all(apps.map((a) => a.stop(10_000)));
  await forgetApps();
  for (const { name, stop } of stops.reverse()) {
    await stop().catch((err: Error) => log(`stopping ${name} failed: ${err.message}`));
  }
  log('stopped');
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!shuttingDown) return void shutdown(0, signal);
    log(`${signal} again: killing the apps`);
    apps.forEach((a) => a.kill());
  });
}

const mask = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
const urlHost = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

async function infrastructure(): Promise<void> {
  await mkdir(DATA_DIR, { recursive: true });
  await stopLeftoverApps(log);

  if (!env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir: `${DATA_DIR}/pg`, port: Number(env.DEV_PG_PORT || 54329), log });
    stops.push({ name: 'postgres', stop: pg.stop });
    env.DATABASE_URL = pg.databaseUrl;
    notes.push(`postgres   ${pg.databaseUrl}  (embedded, data in .data/pg, log ${pg.logFile})`);
  } else notes.push(`postgres   ${mask(env.DATABASE_URL)}  (DATABASE_URL)`);
  if (shuttingDown) return;

  if (!env.MINIO_ENDPOINT) {
    const s3 = await startS3({ dir: `${DATA_DIR}/s3`, port: Number(env.DEV_S3_PORT || 9100) });
    stops.push({ name: 's3rver', stop: s3.close });
    Object.assign(env, {
      MINIO_ENDPOINT: s3.endPoint, MINIO_PORT: String(s3.port), MINIO_USE_SSL: 'false',
      MINIO_ACCESS_KEY: s3.accessKey, MINIO_SECRET_KEY: s3.secretKey,
    });
    notes.push(`storage    http://${s3.endPoint}:${s3.port}  (s3rver, data in .data/s3, keys ${s3.accessKey}/${s3.secretKey})`);
  } else notes.push(`storage    ${env.MINIO_ENDPOINT}:${env.MINIO_PORT ?? 9000}  (MINIO_ENDPOINT)`);
  if (shuttingDown) return;

  if (!env.VPIC_BASE_URL && !env.GOOGLE_MAPS_API_KEY) {
    const fakes = await startFakeExternals({ port: Number(env.FAKE_EXTERNALS_PORT || 9200) });
    stops.push({ name: 'fake externals', stop: fakes.close });
    Object.assign(env, { VPIC_BASE_URL: fakes.vpicBaseUrl, GOOGLE_MAPS_BASE_URL: fakes.placesBaseUrl, GOOGLE_MAPS_API_KEY: fakes.apiKey });
    notes.push(`externals  ${fakes.url}  (fake vPIC + Places; POST /__control {"service","mode"} to break them)`);
  } else notes.push(`externals  vPIC ${env.VPIC_BASE_URL ?? '(default)'}, Places key ${env.GOOGLE_MAPS_API_KEY ? 'set' : 'not set'}`);

  if (!env.AUTH_JWKS_URL && !env.AUTH_JWKS_FILE) {
    const keys = await ensureDevKeys();
    // The dev keys only make sense with the dev issuer/audience, which `make token` signs with.
    Object.assign(env, { AUTH_JWKS_FILE: keys.jwksFile, AUTH_ISSUER: DEV_ISSUER, AUTH_AUDIENCE: DEV_AUDIENCE });
    notes.push(`auth       dev keys in .data/dev-keys (issuer ${DEV_ISSUER}, audience ${DEV_AUDIENCE})`);
  } else notes.push(`auth       ${env.AUTH_JWKS_URL ? `JWKS ${env.AUTH_JWKS_URL}` : `JWKS file ${env.AUTH_JWKS_FILE}`} (issuer ${env.AUTH_ISSUER})`);

  notes.push(`redis      ${env.REDIS_URL ? mask(env.REDIS_URL) : 'off: cache disabled (set REDIS_URL to enable it)'}`);
  env.LEGACY_PORT ??= '3002';
  env.PORT ??= '3001';
  // Dev tools (fault injection for `make chaos`) are on in `make dev` unless said otherwise; the config
  // refuses them with NODE_ENV=production.
  env.DEV_TOOLS ??= env.NODE_ENV === 'production' ? 'false' : 'true';
  env.LEGACY_URL ??= `http://${urlHost(env.HOST || '127.0.0.1')}:${env.LEGACY_PORT}`;
  if (shuttingDown) return;

  const config = loadConfig(env); // the apps' own validation, before anything is spawned
  log('applying migrations');
  await migrateUp(config.DATABASE_URL, (m) => log(`migrate: ${m.trim()}`));
  await new ObjectStore({
    endPoint: config.MINIO_ENDPOINT, port: config.MINIO_PORT, useSSL: config.MINIO_USE_SSL, accessKey: config.MINIO_ACCESS_KEY,
    secretKey: config.MINIO_SECRET_KEY, bucket: config.MINIO_BUCKET, region: config.MINIO_REGION,
  }).ensureBucket();
  log(`bucket ${config.MINIO_BUCKET} ready`);
}

function listening(port: number, host: string): Promise<boolean> {
  return new Promise((done) => {
    const sock = connect({ port, host: urlHost(host) });
    sock.once('connect', () => { sock.destroy(); done(true); });
    sock.once('error', () => done(false));
  });
}

async function applications(): Promise<void> {
  const host = env.HOST || '127.0.0.1';
  const wanted = [
    { name: 'legacy', entry: 'legacy-express/server.ts', port: Number(env.LEGACY_PORT) },
    { name: 'gateway', entry: 'src/server.ts', port: Number(env.PORT) },
  ];
  for (const app of wanted) {
    if (await listening(app.port, host)) {
      throw new Error(`port ${app.port} (${app.name}) is already in use: another \`make dev\`, or an app left over from one killed with SIGKILL? (ss -ltnp | grep :${app.port})`);
    }
  }
  const started: typeof wanted = [];
  for (const app of wanted) {
    if (!existsSync(`${REPO_ROOT}/${app.entry}`)) {
      log(`${app.entry} does not exist yet: not starting ${app.name}`);
      continue;
    }
    const proc = startApp(app.name, `${REPO_ROOT}/${app.entry}`, env, process.cwd());
    apps.push(proc);
    started.push(app);
    await recordApps(apps.map((a, i) => ({ pid: a.child.pid!, entry: `${REPO_ROOT}/${started[i].entry}` })));
    void proc.exited.then(({ code, signal }) => {
      if (!shuttingDown) void shutdown(1, `${app.name} exited unexpectedly (${signal ?? `code ${code}`})`);
    });
  }
  // Print the banner once the apps listen (or after 30 s), so it is not buried in their start-up logs.
  for (const end = Date.now() + 30_000; Date.now() < end && !shuttingDown; await sleep(200)) {
    if ((await Promise.all(started.map((a) => listening(a.port, host)))).every(Boolean)) break;
  }
  if (shuttingDown) return;
  const lines = [
    '',
    'MotoVaultPro dev stack',
    ...wanted.map((a) => `  ${a.name.padEnd(9)}  ${started.includes(a) ? `http://${urlHost(host)}:${a.port}` : `not started (${a.entry} missing)`}`),
    ...notes.map((n) => `  ${n}`),
    '',
    '  get a token: make token   (admin API: PERMISSIONS=admin:flags make token)',
    '  Ctrl-C stops everything',
    '',
  ];
  console.log(lines.join('\n'));
}

const startup = (async () => {
  await infrastructure();
  if (!shuttingDown) await applications();
})();
startup.catch((err: Error) => void shutdown(1, `start-up failed: ${err.message}`));

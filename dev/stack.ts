// `make dev`: the supervisor of the whole stack, in the foreground. Every service not configured by env
// gets its embedded default (stack/infrastructure.ts: PostgreSQL, s3rver, vPIC/Places fakes, dev keys);
// then migrations and the two apps (stack/apps.ts). It survives what it runs:
// - an error thrown by an embedded service living in this process (s3rver, the fakes) is logged and
//   contained, the stack keeps running;
// - an app that exits unexpectedly is restarted with backoff (DEV_RESTART_DELAY_MS, doubling to 30 s),
//   and the gateway keeps serving the features already native while the legacy app is down;
// - if this process dies anyway (even SIGKILL), the reaper (stack/reaper.ts) stops its children;
// - a second `make dev` refuses to start and leaves the running one's state (.data) alone.
// Ctrl-C / SIGTERM stops the apps first, then the infrastructure, and exits 0.
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config/config.ts';
import { migrateUp } from '../src/db/migrate.ts';
import { startInfrastructure, type Infrastructure } from '../stack/infrastructure.ts';
import { appEntry, hasApp, spawnApp, type AppKind, type AppProcess } from '../stack/apps.ts';
import { startReaper } from '../stack/reaper.ts';
import { forgetApps, recordApps, runningStack, stopLeftoverApps } from './leftovers.ts';
import { DATA_DIR } from './paths.ts';

const log = (msg: string) => console.log(`[stack] ${msg}`);
const env: Record<string, string | undefined> = { ...process.env };
const reaper = startReaper();
let infra: Infrastructure | undefined;
const apps = new Map<AppKind, AppProcess>();
let shuttingDown = false;
let exitCode = 0;

// An embedded service runs in this process: its error must not take the whole stack down.
process.on('uncaughtException', (err, origin) => {
  log(`contained an error from an embedded service (${origin}); the stack keeps running:\n${err.stack ?? err}`);
});

async function shutdown(code: number, reason: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  exitCode = code;
  log(`${reason}: stopping`);
  await startup.catch(() => {}); // let the step in flight finish, so what it started gets stopped too
  await Promise.all([...apps.values()].map((a) => a.stop(10_000)));
  await forgetApps();
  await infra?.close();
  log('stopped');
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!shuttingDown) return void shutdown(0, signal);
    log(`${signal} again: killing the apps`);
    for (const a of apps.values()) a.signal('SIGKILL');
  });
}

const urlHost = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

async function infrastructure(): Promise<void> {
  const other = await runningStack();
  if (other) throw new Error(`another \`make dev\` (PID ${other}) is running on ${DATA_DIR}; stop it first`);
  await mkdir(DATA_DIR, { recursive: true });
  await stopLeftoverApps(log);

  infra = await startInfrastructure({
    from: env,
    postgres: { embedded: { dataDir: `${DATA_DIR}/pg`, port: Number(env.DEV_PG_PORT || 54329) } },
    s3: { dir: `${DATA_DIR}/s3`, port: Number(env.DEV_S3_PORT || 9100) },
    externals: { port: Number(env.FAKE_EXTERNALS_PORT || 9200), onlyIfUnconfigured: true },
    auth: 'dev-keys',
    log,
  });
  if (infra.postgresPid) reaper.watch(infra.postgresPid, 'SIGINT'); // PostgreSQL's fast shutdown
  Object.assign(env, infra.env);
  env.LEGACY_PORT ??= '3002';
  env.PORT ??= '3001';
  // Dev tools (fault injection for `make chaos`) are on in `make dev` unless said otherwise; the config
  // refuses them with NODE_ENV=production.
  env.DEV_TOOLS ??= env.NODE_ENV === 'production' ? 'false' : 'true';
  // Everything a developer sends (browser, curl loops, make targets) comes from 127.0.0.1: the production
  // default (1,000 requests a minute per client address) would lock them out of their own stack.
  env.RATE_LIMIT_MAX ??= '100000';
  env.LEGACY_URL ??= `http://${urlHost(env.HOST || '127.0.0.1')}:${env.LEGACY_PORT}`;
  if (shuttingDown) return;

  const config = loadConfig(env); // the apps' own validation, before anything is spawned
  log('applying migrations');
  await migrateUp(config.DATABASE_URL, (m) => log(`migrate: ${m.trim()}`));
}

function listening(port: number, host: string): Promise<boolean> {
  return new Promise((done) => {
    const sock = connect({ port, host: urlHost(host) });
    sock.once('connect', () => { sock.destroy(); done(true); });
    sock.once('error', () => done(false));
  });
}

async function record(): Promise<void> {
  await recordApps([...apps.entries()].map(([kind, a]) => ({ pid: a.pid, entry: appEntry(kind) })));
}

const RESTART_FIRST_MS = Number(env.DEV_RESTART_DELAY_MS || 1000);
const RESTART_MAX_MS = 30_000;
const STABLE_MS = 30_000; // up this long: the next crash starts the backoff afresh

/** Spawns `kind`; once it has been ready, every unexpected exit restarts it with backoff. */
async function supervise(kind: AppKind, port: number, host: string): Promise<void> {
  let delay = RESTART_FIRST_MS;
  let restarts = 0;
  const start = async (): Promise<AppProcess> => {
    const app = await spawnApp(kind, { name: kind, env, port, host, output: { prefix: `[${kind}]` }, detached: true, readyTimeoutMs: 60_000 });
    reaper.watch(app.pid);
    apps.set(kind, app);
    await record();
    const since = Date.now();
    void app.exited.then(({ code, signal }) => {
      reaper.forget(app.pid);
      if (shuttingDown) return;
      if (Date.now() - since > STABLE_MS) delay = RESTART_FIRST_MS;
      void restart(`${kind} exited unexpectedly (${signal ?? `code ${code}`})`);
    });
    return app;
  };
  const restart = async (why: string): Promise<void> => {
    restarts++;
    log(`${why}; restarting it in ${delay / 1000} s (restart #${restarts})${kind === 'legacy' ? '; the gateway keeps serving the native features meanwhile' : ''}`);
    await sleep(delay);
    delay = Math.min(delay * 2, RESTART_MAX_MS);
    if (shuttingDown) return;
    try {
      const app = await start();
      log(`${kind} restarted (PID ${app.pid})`);
    } catch (err) {
      if (!shuttingDown) void restart(`${kind} failed to start again: ${(err as Error).message.split('\n')[0]}`);
    }
  };
  await start(); // the first start must succeed: a configuration error stops `make dev`
}

async function applications(notes: string[]): Promise<void> {
  const host = env.HOST || '127.0.0.1';
  const wanted = [
    { kind: 'legacy' as const, port: Number(env.LEGACY_PORT) },
    { kind: 'gateway' as const, port: Number(env.PORT) },
  ];
  for (const app of wanted) {
    if (await listening(app.port, host)) {
      throw new Error(`port ${app.port} (${app.kind}) is already in use: another \`make dev\`, or an app left over from one killed with SIGKILL? (ss -ltnp | grep :${app.port})`);
    }
  }
  const started = wanted.filter((a) => hasApp(a.kind));
  for (const a of wanted) if (!started.includes(a)) log(`${appEntry(a.kind)} does not exist: not starting ${a.kind}`);
  await Promise.all(started.map((a) => supervise(a.kind, a.port, host)));
  if (shuttingDown) return;
  const lines = [
    '',
    'MotoVaultPro dev stack',
    ...wanted.map((a) => `  ${a.kind.padEnd(9)}  ${started.includes(a) ? `http://${urlHost(host)}:${a.port}` : 'not started (legacy-express/ is gone)'}`),
    ...notes.map((n) => `  ${n}`),
    '',
    `  open the web app: http://${urlHost(host)}:${env.PORT}/   (dev sign-in: pick any user name)`,
    `  migration console: http://${urlHost(host)}:${env.PORT}/admin/console   (dev sign-in button)`,
    '  get a token: make token   (admin API: PERMISSIONS=admin:flags make token)',
    '  move a feature: make shadow / make canary / make ramp / make rollback FEATURE=vehicles; make chaos to test the guard',
    `  flags: make flip/status${env.PORT === '3001' ? '' : ` (GATEWAY_URL=http://${urlHost(host)}:${env.PORT} unless PORT=${env.PORT} is set for make too)`}`,
    '  Ctrl-C stops everything',
    '',
  ];
  console.log(lines.join('\n'));
}

const startup = (async () => {
  await infrastructure();
  if (!shuttingDown) await applications(infra?.notes ?? []);
})();
startup.catch((err: Error) => void shutdown(1, `start-up failed: ${err.message}`));

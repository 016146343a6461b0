// `make dev`: the supervisor of the whole stack, in the foreground. Every service not configured by env
// gets its embedded default (stack/infrastructure.ts: PostgreSQL, s3rver, vPIC/Places fakes, dev keys);
// then migrations and the two apps (stack/apps.ts). It survives what it runs:
// - an error thrown by an embedded service living in this process (s3rver, the fakes) is logged and
//   contained, the stack keeps running;
// - an app that exits unexpectedly is restarted with backoff (DEV_RESTART_DELAY_MS, doubling to 30 s),
//   and the gateway keeps serving the features already native while the legacy app is down;
// - if this process dies anyway (even SIGKILL), the reaper (stack/reaper.ts) stops its children;
// - a second `make dev` refuses to start and leaves the running one's state (.data) alone;
// - an edit under src/, fastify-features/, flags/ or legacy-express/ reloads the apps it concerns: the new
//   process starts beside the old one and takes the port once it answers (a syntax error is printed, the
//   last good app keeps serving); web/src and console/src are rebuilt; PostgreSQL, S3 and the fakes stay
//   up (dev/reload.ts, dev/port-proxy.ts; the apps run from the sources).
// Ctrl-C / SIGTERM stops the apps first, then the infrastructure, and exits 0.
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config/config.ts';
import { migrateUp } from '../src/db/migrate.ts';
import { flagEnv } from '../flags/registry.ts';
import { sessionDatabaseUrl } from '../src/infrastructure/deps.ts';
import { startInfrastructure, type Infrastructure } from '../stack/infrastructure.ts';
import { appEntry, appsFrom, hasApp, killAllAppsNow, REPO_ROOT, spawnApp, stopAllApps, type AppKind, type AppProcess } from '../stack/apps.ts';
import { startReaper } from '../stack/reaper.ts';
import { forgetApps, recordApps, runningStack, stopLeftoverApps } from './leftovers.ts';
import { DATA_DIR } from './paths.ts';
import { appsFor, BROWSER_APPS, buildBrowserApp, WATCHED, watchSources, type ReloadedApp } from './reload.ts';
import { listenPortProxy, type PortProxy } from './port-proxy.ts';

const log = (msg: string) => console.log(`[stack] ${msg}`);
const env: Record<string, string | undefined> = { ...process.env };
const reaper = startReaper();
let infra: Infrastructure | undefined;
const apps = new Map<AppKind, AppProcess>();
let shuttingDown = false;
const stopWatching: Array<() => void> = [];
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
  for (const stop of stopWatching) stop();
  await stopAllApps(10_000); // the current apps, and any old one still draining after a reload
  await Promise.all(proxies.map((p) => p.close()));
  await forgetApps();
  await infra?.close();
  log('stopped');
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!shuttingDown) return void shutdown(0, signal);
    log(`${signal} again: killing the apps`);
    killAllAppsNow();
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
  // Without legacy-express/ there is no legacy app, so no legacy URL: an unclaimed /api path is then the
  // gateway's own 404 NOT_FOUND, as in production after Express is deleted (not a 503 from a dead proxy),
  // and every feature the developer did not set defaults to its native capsule (express has nothing to serve).
  if (hasApp('legacy')) env.LEGACY_URL ??= `http://${urlHost(env.HOST || '127.0.0.1')}:${env.LEGACY_PORT}`;
  else for (const [name, value] of Object.entries(flagEnv('fastify'))) env[name] ??= value;
  if (shuttingDown) return;

  const config = loadConfig(env); // the apps' own validation, before anything is spawned
  log('applying migrations');
  await migrateUp(sessionDatabaseUrl(config), (m) => log(`migrate: ${m.trim()}`)); // an advisory (session) lock
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

/** How `make dev` replaces an app after an edit. */
interface Supervised {
  reload(why: string): Promise<void>;
}
const supervised = new Map<ReloadedApp, Supervised>();
const proxies: PortProxy[] = [];

/**
 * `kind` on its stable `port`: a forwarder (dev/port-proxy.ts) to a process on a free port. Once it has
 * been ready, every unexpected exit restarts it with backoff. reload() starts the new code beside the
 * running process and switches the port to it once it answers, then stops the old one (which drains):
 * when the new code does not start, its output is printed and the last good process keeps serving.
 * Restarts and reloads of one app never overlap (one chain of steps per app).
 */
async function supervise(kind: ReloadedApp, port: number, host: string): Promise<void> {
  const proxy = await listenPortProxy(port, host);
  proxies.push(proxy);
  let delay = RESTART_FIRST_MS;
  let restarts = 0;
  let current: AppProcess | undefined;
  let steps: Promise<void> = Promise.resolve();
  const serially = (step: () => Promise<void>) => (steps = steps.then(step, step));
  const start = async (): Promise<AppProcess> => {
    const app = await spawnApp(kind, { name: kind, env, host: '127.0.0.1', output: { prefix: `[${kind}]` }, detached: true, readyTimeoutMs: 60_000 });
    reaper.watch(app.pid);
    const old = current;
    apps.set(kind, app);
    current = app;
    proxy.target = app.port;
    await record();
    if (old?.alive) void old.stop(10_000); // SIGTERM: it drains what it still serves, then exits
    const since = Date.now();
    void app.exited.then(({ code, signal }) => {
      reaper.forget(app.pid);
      if (shuttingDown || app !== current) return; // replaced by a reload
      current = undefined;
      proxy.target = undefined;
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
    await serially(async () => {
      if (shuttingDown || current?.alive) return; // a reload started it meanwhile
      try {
        const app = await start();
        log(`${kind} restarted (PID ${app.pid})`);
      } catch (err) {
        if (!shuttingDown) void restart(`${kind} failed to start again: ${(err as Error).message.split('\n')[0]}`);
      }
    });
  };
  supervised.set(kind, {
    reload: (why) => serially(async () => {
      if (shuttingDown) return;
      const began = Date.now();
      try {
        const app = await start();
        log(`${why}: ${kind} reloaded in ${((Date.now() - began) / 1000).toFixed(1)} s (PID ${app.pid})`);
      } catch (err) {
        if (shuttingDown) return;
        const still = current?.alive ? `the running ${kind} (PID ${current.pid}) keeps serving until it is fixed` : `${kind} starts again at the next edit`;
        log(`${why}: the new ${kind} code does not start (${(err as Error).message.split('\n')[0]}; its output is above); ${still}`);
      }
    }),
  });
  await start(); // the first start must succeed: a configuration error stops `make dev`
}

/**
 * Reload on edits (APPS_FROM=source only: a build would need rebuilding): app sources restart the apps
 * they belong to, web/ and console/ sources rebuild that browser app (the gateway serves it from disk).
 */
function reloadOnEdits(): void {
  if (appsFrom(env) !== 'source') {
    log('apps run from dist/ (APPS_FROM=build): no reload on edits');
    return;
  }
  const dirs = [...new Set([...supervised.keys()].flatMap((kind) => WATCHED[kind]))];
  stopWatching.push(watchSources(REPO_ROOT, dirs, (paths) => {
    const kinds = new Set(paths.flatMap(appsFor).filter((k) => supervised.has(k)));
    for (const kind of kinds) {
      const first = paths.find((p) => appsFor(p).includes(kind));
      void supervised.get(kind)?.reload(`${first}${paths.length > 1 ? ` (+${paths.length - 1})` : ''} changed`);
    }
  }));
  for (const b of BROWSER_APPS) {
    let building: Promise<void> = Promise.resolve();
    stopWatching.push(watchSources(REPO_ROOT, [b.sources], (paths) => {
      if (!paths.some((p) => !p.endsWith('.test.ts'))) return;
      building = building.then(async () => {
        const built = await buildBrowserApp(REPO_ROOT, b.config, env);
        log(built.ok ? `${b.name} rebuilt (reload the page)` : `${b.name} does not build; the last build is served:\n${built.output}`);
      });
    }));
  }
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
  reloadOnEdits();
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
    `  rate limit: RATE_LIMIT_MAX=${env.RATE_LIMIT_MAX} requests a minute per client address${env.RATE_LIMIT_MAX === '100000' ? ' (make dev\'s default; production\'s is 1000: set RATE_LIMIT_MAX to try it)' : ''}`,
    `  ${appsFrom(env) === 'source' ? 'edits under src/, fastify-features/, flags/, legacy-express/ reload the apps; web/src and console/src rebuild' : 'apps run from dist/: no reload on edits'}`,
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

// Starts and stops the two apps — the legacy Express app and the Fastify gateway — as child processes
// or in this process. `make dev`, the test harness, the fault suites and the benchmarks all go through
// here, so "how an app is started" is written once.
//
//   appEntry('gateway' | 'legacy' | 'floor')  the file an app process runs: dist/ with APPS_FROM=build, else the source
//   spawnApp(kind, { env, port?, name?, output?, nodeArgs?, waitReady? })
//                                       a child on the project's Node; waits until GET /health answers;
//                                       `port` defaults to a free one and is set as PORT / LEGACY_PORT
//   spawnGateways(n, { env, legacyUrl?, instanceEnv?(i), name? })
//                                       N gateway processes side by side, each with its own env on top
//                                       of the shared one — e.g. three instances behind HAProxy:
//                                         const gws = await spawnGateways(3, { env: infra.env, legacyUrl: legacy.url,
//                                           instanceEnv: (i) => ({ INSTANCE_ID: `gw-${i}` }) });
//   startGatewayInProcess({ env, capsules? }) / startLegacyInProcess(config, port?)
//                                       the same apps inside this process (fast, for most tests)
//   stopAllApps() / killAllAppsNow()    every child spawned here (the latter synchronous, for 'exit')
//   freePort(), waitForHttp(url), cleanEnv(env)
//
// Output of a child: 'buffer' (default: kept in memory, `output()` for failure messages), { prefix }
// (each line to our stdout/stderr with a prefix, as `make dev` shows it) or { file } (appended to a log).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../src/config/config.ts';
import type { Capsule } from '../src/capsules/capsule.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** The gateway's Node options, written once (its NODE_OPTIONS line): every way of starting it reads this file. */
export const GATEWAY_ENV_FILE = 'deploy/gateway.env';

export type AppKind = 'gateway' | 'legacy' | 'floor';

const SOURCE_ENTRY: Record<AppKind, string> = {
  gateway: 'src/server.ts', legacy: 'legacy-express/server.ts',
  floor: 'benchmarks/floor/server.ts', // the benchmark's bare node:http floor
};

/** Which code app processes run: chosen explicitly, never guessed from file times. */
export type AppsFrom = 'build' | 'source';

/**
 * APPS_FROM=build runs the production build (dist/…/*.js: `npm run build` first; `make bench` builds and
 * sets it); unset or `source` runs the TypeScript sources (Node strips the types) — `make dev` sets it, so an
 * edit reloads without a build (dev/reload.ts).
 */
export function appsFrom(env: Record<string, string | undefined> = process.env): AppsFrom {
  const value = env.APPS_FROM ?? 'source';
  if (value !== 'build' && value !== 'source') throw new Error(`APPS_FROM must be "build" or "source", not ${JSON.stringify(value)}`);
  return value;
}

const builtEntry = (kind: AppKind) => `${REPO_ROOT}/dist/${SOURCE_ENTRY[kind].replace(/\.ts$/, '.js')}`;

/** The file a `kind` process runs (see appsFrom). A missing build is an error that says what to run. */
export function appEntry(kind: AppKind): string {
  if (appsFrom() === 'source') return `${REPO_ROOT}/${SOURCE_ENTRY[kind]}`;
  const entry = builtEntry(kind);
  if (!existsSync(entry)) throw new Error(`APPS_FROM=build but ${entry} does not exist: run \`make build\` first`);
  return entry;
}

/** False once legacy-express/ is deleted (its sources decide, whatever an old dist/ still holds). */
export function hasApp(kind: AppKind): boolean {
  return existsSync(`${REPO_ROOT}/${SOURCE_ENTRY[kind]}`);
}

/** The variable an app reads its port from. */
export const PORT_VAR: Record<AppKind, 'PORT' | 'LEGACY_PORT'> = { gateway: 'PORT', legacy: 'LEGACY_PORT', floor: 'PORT' };

/** A TCP port that was free a moment ago (the kernel hands out a fresh one; races are unlikely). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Strips the test runner's own variables so a child is a plain server process. */
export function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k.startsWith('NODE_TEST') || k === 'NODE_OPTIONS') continue;
    out[k] = v;
  }
  return out;
}

/** Polls `url` until it answers (any status, or 200 with `healthy`), the process exits, or time runs out. */
export async function waitForHttp(
  url: string,
  { timeoutMs = 20_000, exited, healthy = false }: { timeoutMs?: number; exited?: Promise<unknown>; healthy?: boolean } = {},
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited?.then(() => { gone = true; });
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (gone) throw new Error('process exited');
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      last = `${res.status} ${(await res.text()).slice(0, 200)}`;
      if (!healthy || res.status === 200) return res.status;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${url} (last: ${last})`);
}

export type Output = 'buffer' | { prefix: string } | { file: string };

export interface SpawnOptions {
  /** The app's whole environment (see cleanEnv); HOST and the port variable are set here. */
  env: Record<string, string | undefined>;
  name?: string;
  port?: number;
  host?: string;
  output?: Output;
  /** Extra Node flags (e.g. --cpu-prof); for a gateway or floor they win over its options file's. */
  nodeArgs?: string[];
  /** The file to run instead of appEntry(kind), e.g. another build's (benchmarks/paired.ts A/B runs). */
  entry?: string;
  /** Own process group, so a terminal's Ctrl-C reaches only the parent (`make dev` stops the apps itself). */
  detached?: boolean;
  /** Wait until GET /health answers — default true. */
  waitReady?: boolean;
  /** With waitReady: wait for a 200 (not just any answer). */
  requireHealthy?: boolean;
  readyTimeoutMs?: number;
}

export interface AppProcess {
  kind: AppKind;
  name: string;
  pid: number;
  port: number;
  url: string;
  child: ChildProcess;
  /** The last output (for failure messages). */
  output(): string;
  /** Settles when the process has exited (and, with prefixed output, its output is flushed). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly alive: boolean;
  signal(sig: NodeJS.Signals): void;
  /** `signal` (SIGTERM: a gateway drains first; SIGINT: it closes at once), then SIGKILL after `graceMs`; resolves when gone. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

const live = new Set<AppProcess>();
let exitHookInstalled = false;

function prefixLines(from: Readable, to: Writable, prefix: string): void {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`${prefix} ${line}\n`));
}

/** Starts `kind` as a child process of this one, on this very Node binary. */
export async function spawnApp(kind: AppKind, opts: SpawnOptions): Promise<AppProcess> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', killAllAppsNow); // nothing spawned here outlives us
  }
  const port = opts.port ?? (await freePort());
  const host = opts.host ?? '127.0.0.1';
  // A gateway runs as in production (npm start): with its Node options file, whose flags the caller's
  // nodeArgs override (the command line wins over NODE_OPTIONS). So does the benchmark's floor, so that
  // the two differ only by framework. cleanEnv drops an inherited NODE_OPTIONS, which would replace the file's.
  const production = kind === 'gateway' || kind === 'floor';
  const env = cleanEnv({ ...opts.env, HOST: host, [PORT_VAR[kind]]: String(port) });
  const output = opts.output ?? 'buffer';
  let fd: number | undefined;
  if (typeof output === 'object' && 'file' in output) fd = openSync(output.file, 'a');
  const entry = opts.entry ?? appEntry(kind);
  const child = spawn(process.execPath, [...(production ? [`--env-file=${REPO_ROOT}/${GATEWAY_ENV_FILE}`] : []), ...(opts.nodeArgs ?? []), entry], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe'],
    detached: opts.detached ?? false,
  });
  if (fd !== undefined) closeSync(fd);
  child.on('error', () => {}); // a failed spawn: pid undefined, 'close' follows

  let buffered = '';
  const { stdout, stderr } = child; // null only when the output goes to a file
  if (output === 'buffer') {
    const keep = (b: Buffer) => {
      buffered += b.toString('utf8');
      if (buffered.length > 200_000) buffered = buffered.slice(-100_000);
    };
    stdout?.on('data', keep);
    stderr?.on('data', keep);
  } else if ('prefix' in output) {
    if (stdout) prefixLines(stdout, process.stdout, output.prefix);
    if (stderr) prefixLines(stderr, process.stderr, output.prefix);
  }
  const readOutput = () => {
    if (typeof output === 'object' && 'file' in output) {
      try {
        return readFileSync(output.file, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
      } catch {
        return '';
      }
    }
    return buffered;
  };

  let alive = child.pid !== undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      alive = false;
      live.delete(proc);
      resolve({ code, signal });
    });
  });
  const proc: AppProcess = {
    kind,
    name: opts.name ?? kind,
    pid: child.pid ?? -1,
    port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    child,
    output: readOutput,
    exited,
    get alive() { return alive; },
    signal(sig) {
      if (alive) child.kill(sig);
    },
    async stop(graceMs = 5000, signal: NodeJS.Signals = 'SIGTERM') {
      if (!alive) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  if (alive) live.add(proc);
  if (opts.waitReady !== false) {
    try {
      if (!alive) throw new Error(`could not spawn ${entry}`);
      await waitForHttp(`${proc.url}/health`, { timeoutMs: opts.readyTimeoutMs ?? 20_000, exited, healthy: opts.requireHealthy });
    } catch (err) {
      await proc.stop(1000);
      const out = readOutput().slice(-4000); // empty with prefixed output: it was shown as it came
      throw new Error(`${proc.name} did not become ready: ${(err as Error).message}${out ? `\n--- output ---\n${out}` : ''}`);
    }
  }
  return proc;
}

export interface GatewaysOptions extends Omit<SpawnOptions, 'env' | 'port' | 'name'> {
  /** Shared by every instance. */
  env: Record<string, string | undefined>;
  /** LEGACY_URL for every instance (when the legacy app runs). */
  legacyUrl?: string;
  /** Per-instance additions, e.g. (i) => ({ INSTANCE_ID: `gw-${i}` }); may set PORT to pin a port. */
  instanceEnv?: (i: number) => Record<string, string>;
  /** Instance names (default gateway-0, gateway-1, …). */
  name?: (i: number) => string;
}

/** `n` gateway processes started side by side; if one fails, the others are stopped. */
export async function spawnGateways(n: number, opts: GatewaysOptions): Promise<AppProcess[]> {
  const { env, legacyUrl, instanceEnv, name, ...rest } = opts;
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => {
    const own = instanceEnv?.(i) ?? {};
    return spawnApp('gateway', {
      ...rest,
      name: name?.(i) ?? `gateway-${i}`,
      port: own.PORT ? Number(own.PORT) : undefined,
      env: { ...env, ...(legacyUrl ? { LEGACY_URL: legacyUrl } : {}), ...own },
    });
  }));
  const failed = results.find((r) => r.status === 'rejected');
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (failed) {
    await Promise.all(started.map((p) => p.stop(1000)));
    throw failed.reason;
  }
  return started;
}

export async function stopAllApps(graceMs?: number): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(graceMs)));
}

/** Synchronous last resort (process 'exit' handler): every child still running gets SIGKILL. */
export function killAllAppsNow(): void {
  for (const p of live) {
    try {
      p.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

// ---- in this process ----------------------------------------------------------------------------

const silent = pino({ level: 'silent' });

export interface InProcessApp {
  url: string;
  close(): Promise<void>;
}

/** The legacy Express app in this process, on a real port. Loaded dynamically: it may have been deleted. */
export async function startLegacyInProcess(config: Config, port = 0): Promise<InProcessApp> {
  const [{ buildLegacyApp }, { createDeps, closeDeps }] = await Promise.all([
    import(new URL('../legacy-express/app.ts', import.meta.url).href),
    import('../src/infrastructure/deps.ts'),
  ]);
  const deps = createDeps(config, silent);
  const server: Server = buildLegacyApp(deps, silent).listen(port, '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject); // e.g. EADDRINUSE
    });
  } catch (err) {
    await closeDeps(deps); // its PostgreSQL pool and Redis client would keep the process alive
    throw err;
  }
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await closeDeps(deps);
    },
  };
}

export interface InProcessGateway extends InProcessApp {
  app: FastifyInstance;
}

/** A gateway built in this process from `env` (flags included), listening on port 0 (or `port`). */
export async function startGatewayInProcess(opts: {
  env: Record<string, string>;
  capsules?: readonly Capsule[];
  port?: number;
}): Promise<InProcessGateway> {
  const [{ buildApp }, { loadConfig }] = await Promise.all([import('../src/app.ts'), import('../src/config/config.ts')]);
  const app = await buildApp({ config: loadConfig(opts.env), env: opts.env, capsules: opts.capsules });
  await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  return {
    app,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: () => app.close(),
  };
}

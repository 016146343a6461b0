// Real processes for the fault suite: spawn the gateway (src/server.ts) or the legacy app
// (legacy-express/server.ts) on the project's Node with a given environment, wait until /health
// answers, send signals, and make sure nothing outlives the test run.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ENTRY = {
  gateway: 'src/server.ts',
  legacy: 'legacy-express/server.ts',
} as const;
export type AppKind = keyof typeof ENTRY;

export interface AppProcess {
  kind: AppKind;
  name: string;
  pid: number;
  port: number;
  url: string;
  child: ChildProcess;
  /** stdout + stderr so far (for failure messages). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly alive: boolean;
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when gone. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/** A port that was free a moment ago (the kernel hands out a fresh one; races are unlikely). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
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

export interface SpawnOptions {
  name?: string;
  env: Record<string, string | undefined>;
  port?: number;
  /** Wait until GET /health answers (any status) — default true. */
  waitReady?: boolean;
  readyTimeoutMs?: number;
}

export async function spawnApp(kind: AppKind, opts: SpawnOptions): Promise<AppProcess> {
  const port = opts.port ?? (await freePort());
  const env = cleanEnv({ ...opts.env, HOST: '127.0.0.1', ...(kind === 'gateway' ? { PORT: String(port) } : { LEGACY_PORT: String(port) }) });
  const child = spawn(process.execPath, [ENTRY[kind]], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString('utf8');
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let alive = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const proc: AppProcess = {
    kind,
    name: opts.name ?? kind,
    pid: child.pid!,
    port,
    url,
    child,
    output: () => out,
    exited,
    get alive() { return alive; },
    signal(sig) {
      if (alive) child.kill(sig);
    },
    async stop(graceMs = 5000) {
      if (!alive) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  if (opts.waitReady !== false) {
    try {
      await waitForHttp(url + '/health', { timeoutMs: opts.readyTimeoutMs ?? 20_000, exited });
    } catch (err) {
      await proc.stop(1000);
      throw new Error(`${proc.name} did not become ready: ${(err as Error).message}\n--- output ---\n${out.slice(-4000)}`);
    }
  }
  return proc;
}

/** Polls `url` until it answers with any HTTP status (or the process exits, or time runs out). */
export async function waitForHttp(url: string, { timeoutMs = 20_000, exited }: { timeoutMs?: number; exited?: Promise<unknown> } = {}): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited?.then(() => { gone = true; });
  let last: unknown;
  while (Date.now() < deadline) {
    if (gone) throw new Error('process exited');
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      return res.status;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${url}: ${(last as Error)?.message ?? 'no answer'}`);
}

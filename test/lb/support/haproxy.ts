// A real HAProxy (Debian's /usr/sbin/haproxy) for the load-balancer tests, running the shipped
// deploy/haproxy/haproxy.cfg with only its binds and servers rewritten for loopback processes; its
// per-request log lines and its stats (server UP/DOWN) are readable by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';
export const SHIPPED_CONFIG = fileURLToPath(new URL('../../../deploy/haproxy/haproxy.cfg', import.meta.url));
/** The backend section's name in the shipped config. */
export const BACKEND = 'gateways';

export interface RenderOptions {
  listenPort: number;
  statsPort: number;
  servers: Array<{ name: string; port: number }>;
}

/** Replaces `pattern` exactly once in `text`, or throws: a drifted config must fail the test, not pass it. */
function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  const matches = text.match(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`));
  if (matches?.length !== 1) throw new Error(`haproxy.cfg: expected exactly one match of ${pattern}, found ${matches?.length ?? 0}`);
  return text.replace(pattern, replacement);
}

/** The shipped config for loopback: no Docker DNS, static servers, binds on 127.0.0.1. Everything else as shipped. */
export function renderForLoopback(shipped: string, o: RenderOptions): string {
  let cfg = replaceOnce(shipped, /^resolvers docker\n(?:[ \t]+.*\n)+/m, '');
  cfg = replaceOnce(cfg, /^([ \t]+)bind :3001$/m, `$1bind 127.0.0.1:${o.listenPort}`);
  cfg = replaceOnce(cfg, /^([ \t]+)bind :8404$/m, `$1bind 127.0.0.1:${o.statsPort}`);
  const servers = o.servers.map((s) => `    server ${s.name} 127.0.0.1:${s.port}`).join('\n');
  cfg = replaceOnce(cfg, /^[ \t]+server-template .*$/m, servers);
  return cfg;
}

export interface HaproxyProcess {
  url: string;
  statsUrl: string;
  config: string;
  /** Parsed request log lines so far. */
  logs(): LogLine[];
  /** Each server's status from the stats page ("UP", "DOWN", "UP 1/2", …). */
  serverStatus(): Promise<Record<string, string>>;
  /** Each server's stats row: status, current sessions (scur) and sessions so far (stot). */
  serverStats(): Promise<Record<string, ServerStats>>;
  waitForStatus(server: string, want: 'UP' | 'DOWN', timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export interface ServerStats { status: string; scur: number; stot: number; econ: number; wretr: number; wredis: number; eresp: number }

export interface LogLine {
  server: string;
  status: number;
  /** HAProxy's termination state, e.g. "----" (normal), "SH--" (server aborted before headers). */
  term: string;
  /** Connection retries (including redispatches) for this request. */
  retries: number;
  request: string;
  /** When the test process read the line (the request had ended by then). */
  seenAt: number;
}

// httplog: client [date] frontend backend/server Tq/Tw/Tc/Tr/Ta status bytes - - term act/fe/be/srv/retries queue "request"
const LOG_RE = /^\S+ \[[^\]]+\] \S+ [^/\s]+\/(\S+) \S+ (-?\d+) \S+ \S+ \S+ (\S{4}) \d+\/\d+\/\d+\/\d+\/\+?(\d+) \S+ "([^"]*)"/;

export function parseLogLine(line: string, seenAt = Date.now()): LogLine | undefined {
  const m = LOG_RE.exec(line);
  if (!m) return undefined;
  return { server: m[1], status: Number(m[2]), term: m[3], retries: Number(m[4]), request: m[5], seenAt };
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export async function startHaproxy(o: RenderOptions): Promise<HaproxyProcess> {
  const config = renderForLoopback(await readFile(SHIPPED_CONFIG, 'utf8'), o);
  const dir = await mkdtemp(join(tmpdir(), 'mvp-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const child = spawn(HAPROXY_BIN, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const lines: LogLine[] = [];
  let raw = '';
  let partial = '';
  child.stdout.on('data', (b: Buffer) => {
    const now = Date.now();
    const text = partial + b.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) {
      const parsed = parseLogLine(l, now);
      if (parsed) lines.push(parsed);
      else raw += `${l}\n`;
    }
  });
  child.stderr.on('data', (b: Buffer) => { raw += b.toString('utf8'); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { live.delete(child); resolve(); }));
  const statsUrl = `http://127.0.0.1:${o.statsPort}/stats;csv`;

  const serverStats = async (): Promise<Record<string, ServerStats>> => {
    const res = await fetch(statsUrl, { signal: AbortSignal.timeout(2000) });
    const [header, ...rows] = (await res.text()).trim().split('\n');
    const cols = header.replace(/^# /, '').split(',');
    const [px, sv, st, scur, stot, econ, wretr, wredis, eresp] = ['pxname', 'svname', 'status', 'scur', 'stot', 'econ', 'wretr', 'wredis', 'eresp'].map((c) => cols.indexOf(c));
    const out: Record<string, ServerStats> = {};
    for (const r of rows) {
      const f = r.split(',');
      if (f[px] === BACKEND && f[sv] !== 'BACKEND') out[f[sv]] = { status: f[st], scur: Number(f[scur]), stot: Number(f[stot]), econ: Number(f[econ]), wretr: Number(f[wretr]), wredis: Number(f[wredis]), eresp: Number(f[eresp]) };
    }
    return out;
  };
  const serverStatus = async () => Object.fromEntries(Object.entries(await serverStats()).map(([k, v]) => [k, v.status]));

  const proc: HaproxyProcess = {
    url: `http://127.0.0.1:${o.listenPort}`,
    statsUrl,
    config,
    logs: () => lines,
    serverStatus,
    serverStats,
    async waitForStatus(server, want, timeoutMs = 15_000) {
      const t0 = Date.now();
      for (;;) {
        const st = (await serverStatus())[server];
        if (st === want) return Date.now() - t0;
        if (Date.now() - t0 > timeoutMs) throw new Error(`haproxy: ${server} still ${st} after ${timeoutMs} ms (waiting for ${want})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
      await rm(dir, { recursive: true, force: true });
    },
  };

  // Ready when the stats page answers.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${raw}`);
    try {
      await serverStatus();
      return proc;
    } catch (err) {
      if (Date.now() > deadline) {
        await proc.stop();
        throw new Error(`haproxy did not start: ${(err as Error).message}\n${raw}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

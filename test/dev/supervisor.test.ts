// `make dev` survives what it runs: the real supervisor (dev/stack.ts) as a child process, on a scratch
// database and a temporary DEV_DATA_DIR, with vehicles native and stations on express. It contains an
// embedded service's uncaught error, restarts a killed legacy app while the gateway keeps serving the
// native feature, refuses a second start without touching the first one's pid file, and leaves no
// orphan when it is killed with SIGKILL.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEV_AUDIENCE, DEV_ISSUER, ensureDevKeys, signToken } from '../../dev/keys.ts';
import { freePort, REPO_ROOT } from '../../stack/apps.ts';
import { createScratchDb, type ScratchDb } from '../../stack/scratch-db.ts';
import { eventually } from '../support/wait.ts';

interface Supervisor {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startSupervisor(env: Record<string, string>): Supervisor {
  const child = spawn(process.execPath, ['dev/stack.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function childrenOf(ppid: number): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid;
    } catch {
      return false;
    }
  });
}

describe('make dev survives what it runs', () => {
  let scratch: ScratchDb;
  let dataDir: string;
  let env: Record<string, string>;
  let first: Supervisor;
  let gateway: string;
  let token: string;
  const leftovers = new Set<number>();

  const pidsFile = () => join(dataDir, 'dev-stack.pids.json');
  const appPid = async (kind: 'legacy' | 'gateway') => {
    const recorded = JSON.parse(await readFile(pidsFile(), 'utf8')) as { apps: Array<{ pid: number; entry: string }> };
    const entry = kind === 'legacy' ? 'legacy-express/server.ts' : 'src/server.ts';
    const app = recorded.apps.find((a) => a.entry.endsWith(entry));
    assert.ok(app, `${kind} is recorded in ${pidsFile()}`);
    return app.pid;
  };
  const get = (path: string) => fetch(gateway + path, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });

  before(async () => {
    scratch = await createScratchDb('supervisor');
    dataDir = await mkdtemp(join(tmpdir(), 'mvp-dev-'));
    const [port, legacyPort, s3Port, fakesPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DEV_DATA_DIR: dataDir,
      DATABASE_URL: scratch.url,
      REDIS_URL: process.env.REDIS_URL ?? '',
      PORT: String(port),
      LEGACY_PORT: String(legacyPort),
      DEV_S3_PORT: String(s3Port),
      FAKE_EXTERNALS_PORT: String(fakesPort),
      DEV_RESTART_DELAY_MS: '1500',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '1000000',
      VEHICLES_BACKEND: 'fastify',
      STATIONS_BACKEND: 'express',
    };
    gateway = `http://127.0.0.1:${port}`;
    first = startSupervisor(env);
    await eventually(async () => {
      assert.equal(first.child.exitCode, null, first.output());
      assert.match(first.output(), /MotoVaultPro dev stack/);
    }, { timeoutMs: 90_000, intervalMs: 200 });
    const keys = await ensureDevKeys(join(dataDir, 'dev-keys'));
    token = await signToken({ privateJwk: keys.privateJwk, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub: 'supervisor-test' });
    for (const kind of ['legacy', 'gateway'] as const) leftovers.add(await appPid(kind));
  });

  after(async () => {
    if (first?.child.exitCode === null && first.child.signalCode === null) {
      first.child.kill('SIGTERM');
      await first.exited;
    }
    for (const pid of leftovers) if (running(pid)) process.kill(pid, 'SIGKILL');
    await scratch?.drop().catch(() => {});
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test("an embedded service's uncaught error is contained and logged; the stack keeps serving", async () => {
    const fakesUrl = `http://127.0.0.1:${env.FAKE_EXTERNALS_PORT}`;
    const crash = await fetch(`${fakesUrl}/__control/crash`, { method: 'POST' });
    assert.equal(crash.status, 200);
    await eventually(async () => assert.match(first.output(), /contained an error from an embedded service[\s\S]*FakeCrashError|crash requested/));
    assert.equal(first.child.exitCode, null, 'the supervisor is still running');
    assert.equal((await get('/api/vehicles')).status, 200);
    assert.equal((await fetch(`${fakesUrl}/__control/calls`)).status, 200, 'the embedded service itself still answers');
  });

  test("a second make dev refuses to start and leaves the first one's pid file alone", async () => {
    const before = await readFile(pidsFile(), 'utf8');
    const second = startSupervisor(env);
    const code = await Promise.race([second.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000).unref())]);
    if (code === 'hung') second.child.kill('SIGKILL');
    assert.notEqual(code, 0, second.output());
    assert.notEqual(code, 'hung', second.output());
    assert.match(second.output(), /another `make dev` \(PID \d+\) is running/);
    assert.equal(await readFile(pidsFile(), 'utf8'), before, 'the running stack keeps its pid file');
    assert.equal((await get('/api/vehicles')).status, 200, 'the first stack still serves');
  });

  test('a killed legacy app is restarted with backoff; the native feature is served meanwhile', async () => {
    const legacyPid = await appPid('legacy');
    assert.equal((await get('/api/stations/saved')).status, 200, 'stations (express) served before');
    process.kill(legacyPid, 'SIGKILL');
    // While legacy is down: the proxied feature answers 503, the native one keeps working.
    await eventually(async () => assert.equal((await get('/api/stations/saved')).status, 503));
    const native = await get('/api/vehicles');
    assert.equal(native.status, 200);
    assert.equal(native.headers.get('x-backend'), 'fastify');
    await eventually(async () => assert.match(first.output(), /legacy exited unexpectedly \(SIGKILL\); restarting it in 1\.5 s \(restart #1\)/));
    await eventually(async () => assert.equal((await get('/api/stations/saved')).status, 200), { timeoutMs: 30_000, intervalMs: 200 });
    // The supervisor says so, and records the new PID, once the new process answers /health.
    await eventually(async () => assert.match(first.output(), /legacy restarted \(PID \d+\)/));
    const restarted = await eventually(async () => {
      const pid = await appPid('legacy');
      assert.notEqual(pid, legacyPid);
      return pid;
    });
    leftovers.add(restarted);
  });

  test('SIGKILL of the supervisor leaves no orphans', async () => {
    assert.ok(first.child.pid, 'the supervisor has a PID');
    const children = childrenOf(first.child.pid);
    for (const pid of children) leftovers.add(pid);
    assert.ok(children.includes(await appPid('legacy')) && children.includes(await appPid('gateway')), `children: ${children}`);
    assert.ok(children.length >= 3, 'the apps and the reaper');
    first.child.kill('SIGKILL');
    await first.exited;
    await eventually(async () => assert.deepEqual(children.filter(running), []), { timeoutMs: 20_000, intervalMs: 200 });
    await assert.rejects(fetch(`${gateway}/health`, { signal: AbortSignal.timeout(2000) }), 'nothing listens on the gateway port');
  });
});

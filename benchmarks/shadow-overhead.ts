// What shadow traffic costs (issues 12 and 29): GET /api/vehicles/:id through a gateway with vehicles in
// stage express, shadow 100% and shadow 10% (one legacy app, real processes, the production build).
// Saturated (closed loop, benchmarks/measure.ts): a gateway per stage, rounds interleaved; then the replay's
// memory while it runs and after it stops (vehicles flipped to express: the worker ends). At a fixed offered
// rate: one gateway whose vehicles flag is set before each 2 s slice, the stages taking turns — the client's
// p50/p99 and the CPU per request of the gateway's main thread (the clients' event loop), of the shadow
// replay worker process and of both. `make bench` runs it before the main run and STATUS.md shows the result
// (benchmarks/results/shadow-overhead.json).
// Alone: node benchmarks/shadow-overhead.ts [--quick] [--fixed-only]
import http from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startStack, ALL_EXPRESS } from '../stack/process-stack.ts';
import type { AppProcess } from '../stack/apps.ts';
import { measure, type Measurement } from './measure.ts';
import { CONTROL_STAGE } from './report.ts';
import { openLoop, percentiles } from './open-loop.ts';
import { ratioIntervals } from './ratio-interval.ts';
import { cpuSeconds, rssBytes } from './processes.ts';
import type { RequestSpec } from './scenarios.ts';
import { median } from './summary.ts';
import { randomVin } from '../dev/fake-externals/vins.ts';
import { cpuHierarchy } from '../src/shadow/worker/cgroup.ts';

const quick = process.argv.includes('--quick');
/** Only the fixed-rate part (client latency and CPU per thread): the quick loop while working on the replay's cost. */
const fixedOnly = process.argv.includes('--fixed-only');
const seconds = quick ? 3 : 8;
const rounds = quick ? 1 : 3;
const fixedRate = 200;
/**
 * The fixed-rate part decides the targets: a p99 over 24,000 requests per stage, in short slices that
 * take turns (the order rotating each round), so a slow spell of the shared machine falls on every stage
 * alike instead of on whichever stage ran during it. 60 rounds: at 30, three runs of the same code read the
 * 100 % stage's p99 at 1.06x, 1.11x and 1.16x, each with a 90 % interval about ±0.15 wide.
 */
const fixedSeconds = quick ? 3 : 2;
const fixedRounds = quick ? 1 : 60;
/** How long after the worker stopped the gateway's RSS is read again. */
const AFTER_STOP_MS = 10_000;
export const SHADOW_RESULTS = new URL('./results/shadow-overhead.json', import.meta.url);

const CLOCK_TICKS = 100; // USER_HZ, as benchmarks/processes.ts

/** utime + stime of one thread, in seconds. */
async function threadCpu(pid: number, tid: string): Promise<number> {
  const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

interface CpuSplit { main: number; replay: number; total: number }

/** CPU seconds so far of a gateway's main thread, its replay worker process (if any) and both processes. */
async function cpuSplit(pid: number, replayPid: number | null): Promise<CpuSplit> {
  const replay = replayPid === null ? 0 : cpuSeconds(replayPid);
  return { main: await threadCpu(pid, String(pid)), replay, total: cpuSeconds(pid) + replay };
}

/** Pauses of the gateway's main thread for garbage collection: young generation (scavenges), old generation (mark-compact pauses and incremental marking steps), in ms, and how many mark-compacts. */
interface GcPauses { youngMs: number; oldMs: number; markCompacts: number }

/**
 * The gateway's collections so far, from its /metrics (prom-client's nodejs_gc_duration_seconds, by kind):
 * what a slice adds is the GC time its clients' event loop spent, which a replay's samples held too long
 * would raise (docs/shadow.md "Cost").
 */
async function gcPauses(url: string): Promise<GcPauses> {
  const res = await fetch(`${url}/metrics`);
  if (res.status !== 200) throw new Error(`GET /metrics: ${res.status}`);
  const sums: Record<string, number> = {};
  let markCompacts = 0;
  for (const m of (await res.text()).matchAll(/^nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} (\S+)$/gm)) {
    if (m[1] === 'sum') sums[m[2]] = Number(m[3]) * 1000;
    else if (m[2] === 'major') markCompacts = Number(m[3]);
  }
  return { youngMs: sums.minor ?? 0, oldMs: (sums.major ?? 0) + (sums.incremental ?? 0), markCompacts };
}

interface FixedRun { p50: number; p99: number; sorted: Float64Array; non2xx: number; requests: number; cpuSeconds: CpuSplit; cpuMsPerRequest: CpuSplit; gc: GcPauses }

/** JSON calls to one server as one user (setup and the report; the measured traffic goes through autocannon). */
function apiClient(baseUrl: string, token: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(baseUrl + path, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: (path: string) => call('GET', path), post: (path: string, body: unknown) => call('POST', path, body),
    put: (path: string, body: unknown) => call('PUT', path, body), del: (path: string) => call('DELETE', path),
  };
}
type ApiClient = ReturnType<typeof apiClient>;

/** Latency at a fixed offered rate (not saturating): what a client pays when the gateway has headroom. */
async function atRate(gw: AppProcess, admin: ApiClient, agent: http.Agent, specs: RequestSpec[], rate: number): Promise<FixedRun> {
  const replayPid = (await replayState(admin)).pid;
  const gcBefore = await gcPauses(gw.url);
  const before = await cpuSplit(gw.pid, replayPid);
  const result = await openLoop({ url: gw.url, specs, rate, seconds: fixedSeconds, agent });
  const after = await cpuSplit(gw.pid, replayPid);
  const gcAfter = await gcPauses(gw.url);
  if ((await replayState(admin)).pid !== replayPid) throw new Error(`${gw.name}: the replay worker restarted during the round`);
  const requests = result.requests;
  const perRequest = (k: keyof CpuSplit) => (requests ? ((after[k] - before[k]) / requests) * 1000 : 0);
  return {
    p50: result.p50, p99: result.p99, sorted: result.sorted, non2xx: result.non2xx + result.errors, requests,
    cpuSeconds: { main: after.main - before.main, replay: after.replay - before.replay, total: after.total - before.total },
    cpuMsPerRequest: { main: perRequest('main'), replay: perRequest('replay'), total: perRequest('total') },
    gc: { youngMs: gcAfter.youngMs - gcBefore.youngMs, oldMs: gcAfter.oldMs - gcBefore.oldMs, markCompacts: gcAfter.markCompacts - gcBefore.markCompacts },
  };
}

interface ReplayHeap { usedBytes: number; totalBytes: number; rssBytes: number }

async function replayState(admin: ApiClient): Promise<{ running: boolean; pid: number | null; heap: ReplayHeap | null; scheduling: string | null; cgroup: { path: string; idle: boolean } | null }> {
  const r = await admin.get('/admin/shadow');
  if (r.status !== 200) throw new Error(`GET /admin/shadow: ${r.status} ${r.text}`);
  return r.body.replay;
}

/** A vehicles flag as PUT /admin/flags/vehicles takes it. */
type VehiclesFlag = { stage: 'express' } | { stage: 'shadow'; shadowRate: number };

/**
 * The fixed-rate stages are one gateway whose vehicles flag is set before each slice, so the stages differ in
 * nothing else: two identically configured gateway processes differed by up to 1.3x in p99 in one run. The
 * control is the express stage again, in slices of its own: what the same setting measures as at other times.
 */
const FIXED_STAGES: Record<string, VehiclesFlag> = {
  express: { stage: 'express' },
  'shadow 100%': { stage: 'shadow', shadowRate: 100 },
  'shadow 10%': { stage: 'shadow', shadowRate: 10 },
  [CONTROL_STAGE]: { stage: 'express' },
};
/**
 * Shadow 100 % again with the worker in the gateway's own cgroup: where the gateway may write the cgroup tree
 * (root on a host or a VM, as here) its worker runs in an idle cgroup of its own (SHADOW_WORKER_CGROUP=auto,
 * the default; docs/shadow.md), and this stage shows what a gateway that may not (a container's read-only
 * tree) gets: the worker is moved into the gateway's cgroup for these slices and back after them, so every
 * stage runs on the same gateway and worker.
 */
const NO_CGROUP_STAGE = 'shadow 100% no cgroup';

/** The `cgroup.procs` file of process `pid`'s cpu cgroup (where the bench may write it), or null. */
function cgroupProcsOf(pid: number): string | null {
  const where = cpuHierarchy(pid);
  return 'unavailable' in where ? null : path.join(where.mount, where.own, 'cgroup.procs');
}

async function setVehicles(admin: ApiClient, flag: VehiclesFlag): Promise<void> {
  const r = await admin.put('/admin/flags/vehicles', flag);
  if (r.status !== 200) throw new Error(`PUT /admin/flags/vehicles ${JSON.stringify(flag)}: ${r.status} ${r.text}`);
}

async function untilReplay(gw: AppProcess, admin: ApiClient, want: (r: { running: boolean; ready?: boolean }) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!want(await replayState(admin))) {
    if (Date.now() > deadline) throw new Error(`${gw.name}: ${what}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

const stack = await startStack({ label: 'shadowbench', env: { ...ALL_EXPRESS, LOG_LEVEL: 'warn', SHADOW_NOISE_RATE: '10' } });
try {
  const legacy = await stack.spawnLegacy();
  // Saturated: a gateway per stage (its stage from the environment), loaded one after the other.
  const targets = {
    express: await stack.spawnGateway(legacy.url, {}, 'gw-express'),
    'shadow 100%': await stack.spawnGateway(legacy.url, { VEHICLES_SHADOW_RATE: '100' }, 'gw-shadow100'),
    'shadow 10%': await stack.spawnGateway(legacy.url, { VEHICLES_SHADOW_RATE: '10' }, 'gw-shadow10'),
  };
  // Fixed rate: one gateway for every stage; its replay worker stays between shadow slices (no cold start in
  // a slice; in the express slices it idles, at the lowest priority).
  const fixedGw = await stack.spawnGateway(legacy.url, { SHADOW_WORKER_LINGER_MS: '600000' }, 'gw-fixed');
  const adminToken = await stack.sign({ permissions: ['admin:flags'] });
  const adminOf = (gw: AppProcess) => apiClient(gw.url, adminToken);
  const specs: RequestSpec[] = [];
  for (let i = 0; i < 30; i++) {
    const u = await stack.newUser();
    for (let j = 0; j < 3; j++) {
      const created = await apiClient(legacy.url, u.token).post('/api/vehicles', { vin: randomVin(), nickname: `bench ${i}.${j}` });
      if (created.status !== 201) throw new Error(`create vehicle: ${created.status} ${created.text}`);
      specs.push({ method: 'GET', path: `/api/vehicles/${created.body.id}`, headers: { authorization: `Bearer ${u.token}` } });
    }
  }
  // The replay workers boot once their gateway listens: measured from when they are ready.
  for (const gw of [targets['shadow 100%'], targets['shadow 10%']]) await untilReplay(gw, adminOf(gw), (r) => r.ready === true, 'the replay worker is not ready');
  const results: Record<string, Measurement[]> = {};
  for (const name of Object.keys(targets)) results[name] = [];
  for (let r = 0; r < (fixedOnly ? 0 : rounds); r++) {
    for (const [name, gw] of Object.entries(targets)) {
      const m = await measure({ url: gw.url, specs, connections: 10, durationSeconds: seconds, expectBackend: 'express', sampled: [gw, legacy], servers: [gw.name, legacy.name] });
      results[name].push(m);
      console.error(`round ${r + 1} ${name}: ${m.reqPerSec} req/s p50 ${m.latencyMs.p50} ms p99 ${m.latencyMs.p99} ms non2xx ${m.non2xx} mismatched backend ${m.backendMismatches}`);
    }
  }
  const saturated = Object.entries(results).map(([stage, ms]) => {
    const cpuPer1k = (proc: string) => median(ms.map((m) => ((m.processes.find((p) => p.name === proc)?.cpuSeconds ?? 0) / m.responses) * 1000));
    const gw = targets[stage as keyof typeof targets];
    return {
      stage, reqPerSec: median(ms.map((m) => m.reqPerSec)), p50: median(ms.map((m) => m.latencyMs.p50)), p99: median(ms.map((m) => m.latencyMs.p99)),
      gatewayCpuSecondsPer1k: cpuPer1k(gw.name), legacyCpuSecondsPer1k: cpuPer1k(legacy.name), failures: ms.reduce((a, m) => a + m.non2xx + m.backendMismatches, 0),
    };
  });

  // The replay's memory (of the saturated gateways): its heap and each gateway's RSS while on; then vehicles
  // leave shadow on every instance (one flag), the workers stop, and the RSS is read again.
  const shadowGateways = [targets['shadow 100%'], targets['shadow 10%']];
  const whileOn = await Promise.all(shadowGateways.map(async (gw) => ({ name: gw.name, rssBytes: rssBytes(gw.pid), heap: (await replayState(adminOf(gw))).heap })));
  await setVehicles(adminOf(targets.express), { stage: 'express' });
  for (const gw of shadowGateways) await untilReplay(gw, adminOf(gw), (r) => !r.running, 'the replay worker did not stop');
  await new Promise((res) => setTimeout(res, AFTER_STOP_MS));
  const afterStop = shadowGateways.map((gw) => ({ name: gw.name, rssBytes: rssBytes(gw.pid) }));
  const memory = { expressGatewayRssBytes: rssBytes(targets.express.pid), whileOn, afterStop, afterStopMs: AFTER_STOP_MS };
  // The flag is every instance's: the saturated gateways end here, so their workers cannot follow the flips below.
  for (const gw of Object.values(targets)) await gw.stop();

  const admin = adminOf(fixedGw);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  // One unmeasured pass per setting first: the JIT, the pools and the worker warm up.
  for (const flag of [FIXED_STAGES['shadow 100%'], FIXED_STAGES.express]) {
    await setVehicles(admin, flag);
    if (flag.stage === 'shadow') await untilReplay(fixedGw, admin, (r) => r.ready === true, 'the replay worker is not ready');
    await openLoop({ url: fixedGw.url, specs, rate: fixedRate, seconds: quick ? 2 : 4, agent });
  }
  const started = await replayState(admin);
  const workerCgroup = started.cgroup;
  const gatewayCgroup = cgroupProcsOf(fixedGw.pid);
  if (!workerCgroup) console.error('[shadow-bench] the worker has no cgroup of its own here: no separate no-cgroup stage');
  const stages: Record<string, VehiclesFlag> = workerCgroup && gatewayCgroup ? { ...FIXED_STAGES, [NO_CGROUP_STAGE]: FIXED_STAGES['shadow 100%'] } : FIXED_STAGES;
  const fixed: Record<string, FixedRun[]> = Object.fromEntries(Object.keys(stages).map((name) => [name, []]));
  const order = Object.keys(stages);
  // The report below is then the fixed-rate samples' alone (the saturated stages skip by design).
  await admin.del('/admin/shadow');
  for (let r = 0; r < fixedRounds; r++) {
    const line: string[] = [];
    for (let k = 0; k < order.length; k++) {
      const name = order[(r + k) % order.length];
      await setVehicles(admin, stages[name]);
      const moved = name === NO_CGROUP_STAGE && workerCgroup && gatewayCgroup ? (await replayState(admin)).pid : null;
      if (moved !== null && gatewayCgroup) writeFileSync(gatewayCgroup, String(moved));
      const run = await atRate(fixedGw, admin, agent, specs, fixedRate);
      if (moved !== null && workerCgroup) writeFileSync(path.join(workerCgroup.path, 'cgroup.procs'), String(moved));
      fixed[name].push(run);
      line.push(`${name} p50 ${run.p50} p99 ${run.p99} main ${run.cpuMsPerRequest.main.toFixed(3)} replay ${run.cpuMsPerRequest.replay.toFixed(3)}`);
    }
    console.error(`fixed ${fixedRate}/s round ${r + 1} (ms): ${line.join('; ')}`);
  }
  const replayScheduling = (await replayState(admin)).scheduling;
  agent.destroy();
  // Pooled over the rounds: percentiles of every request's latency, CPU summed over every request; the
  // ratios' 90 % intervals from the rounds resampled (ratio-interval.ts).
  const expressRounds = fixed.express.map((x) => x.sorted);
  const atFixedRate = Object.entries(fixed).map(([stage, xs]) => {
    const requests = xs.reduce((a, x) => a + x.requests, 0);
    const per = (k: keyof CpuSplit) => (xs.reduce((a, x) => a + x.cpuSeconds[k], 0) / requests) * 1000;
    const { p50, p99 } = percentiles(xs.map((x) => x.sorted));
    return {
      stage, p50, p99, requests, non2xx: xs.reduce((a, x) => a + x.non2xx, 0),
      cpuMsPerRequest: { main: per('main'), replay: per('replay'), total: per('total') },
      // Per second of load: each stage ran fixedSeconds per round.
      gcMsPerSecond: { young: xs.reduce((a, x) => a + x.gc.youngMs, 0) / (xs.length * fixedSeconds), old: xs.reduce((a, x) => a + x.gc.oldMs, 0) / (xs.length * fixedSeconds) },
      markCompacts: xs.reduce((a, x) => a + x.gc.markCompacts, 0),
      rounds: xs.map((x) => ({ p50: x.p50, p99: x.p99, mainCpuMsPerRequest: x.cpuMsPerRequest.main })),
      vsExpress: stage === 'express' ? undefined : ratioIntervals(xs.map((x) => x.sorted), expressRounds),
    };
  });
  // The report is every instance's (kept in Redis): all the comparisons at the fixed rate.
  const report = (await admin.get('/admin/shadow/vehicles')).body;
  const skippedBy: Record<string, number> = {};
  for (const route of report.routes as Array<{ skippedBy: Record<string, number> }>) {
    for (const [reason, n] of Object.entries(route.skippedBy)) skippedBy[reason] = (skippedBy[reason] ?? 0) + n;
  }
  await admin.del('/admin/flags/vehicles');

  const record = {
    date: new Date().toISOString(), mode: quick ? 'quick' : 'full', seconds, rounds, fixedRate, fixedSeconds, fixedRounds, replayScheduling,
    workerCgroup: workerCgroup ? `${workerCgroup.path} (cpu.idle ${workerCgroup.idle ? 1 : 0}); ${NO_CGROUP_STAGE}: the worker moved into the gateway's cgroup for those slices` : 'none (the gateway may not write the cgroup tree here)', saturated, atFixedRate, memory,
    shadowReport: { compared: report.compared, matched: report.matched, mismatched: report.mismatched, skipped: report.skipped, skippedBy, errored: report.errored },
  };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(SHADOW_RESULTS, `${JSON.stringify(record, null, 2)}\n`);
  console.error(`[shadow-bench] ${JSON.stringify({ atFixedRate, memory })}`);
} finally {
  await stack.close();
}

// What shadow traffic costs (issues 12 and 29): GET /api/vehicles/:id through a gateway with vehicles in
// stage express, shadow 100% and shadow 10% (one legacy app, real processes, the production build), rounds
// interleaved. Saturated (closed loop) figures from benchmarks/measure.ts; at a fixed offered rate, the
// client's p50/p99 and the CPU per request of the gateway's main thread (the clients' event loop), of the
// shadow replay worker process and of both processes in all; then the replay's memory
// while it runs and after it stops (vehicles flipped to express: the worker ends). `make bench` runs it
// before the main run and STATUS.md shows the result (benchmarks/results/shadow-overhead.json).
// Alone: node benchmarks/shadow-overhead.ts [--quick] [--fixed-only]
import http from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { startStack, ALL_EXPRESS } from '../stack/process-stack.ts';
import type { AppProcess } from '../stack/apps.ts';
import { measure, type Measurement } from './measure.ts';
import { CONTROL_STAGE } from './report.ts';
import { openLoop, percentiles } from './open-loop.ts';
import { cpuSeconds, rssBytes } from './processes.ts';
import type { RequestSpec } from './scenarios.ts';
import { median } from './summary.ts';
import { randomVin } from '../dev/fake-externals/vins.ts';

const quick = process.argv.includes('--quick');
/** Only the fixed-rate part (client latency and CPU per thread): the quick loop while working on the replay's cost. */
const fixedOnly = process.argv.includes('--fixed-only');
const seconds = quick ? 3 : 8;
const rounds = quick ? 1 : 3;
const fixedRate = 200;
/**
 * The fixed-rate part decides the targets: a p99 over 12,000 requests per stage, in short slices that
 * take turns (the order rotating each round), so a slow spell of the shared machine falls on every stage
 * alike instead of on whichever stage ran during it.
 */
const fixedSeconds = quick ? 3 : 2;
const fixedRounds = quick ? 1 : 30;
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

interface FixedRun { p50: number; p99: number; sorted: Float64Array; non2xx: number; requests: number; cpuSeconds: CpuSplit; cpuMsPerRequest: CpuSplit; peakRssBytes: number }

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
  const rss = () => rssBytes(gw.pid) + (replayPid === null ? 0 : rssBytes(replayPid));
  let peak = rss();
  const sampler = setInterval(() => { peak = Math.max(peak, rss()); }, 100);
  const before = await cpuSplit(gw.pid, replayPid);
  const result = await openLoop({ url: gw.url, specs, rate, seconds: fixedSeconds, agent });
  const after = await cpuSplit(gw.pid, replayPid);
  clearInterval(sampler);
  if ((await replayState(admin)).pid !== replayPid) throw new Error(`${gw.name}: the replay worker restarted during the round`);
  const requests = result.requests;
  const perRequest = (k: keyof CpuSplit) => (requests ? ((after[k] - before[k]) / requests) * 1000 : 0);
  return {
    p50: result.p50, p99: result.p99, sorted: result.sorted, non2xx: result.non2xx + result.errors, requests,
    cpuSeconds: { main: after.main - before.main, replay: after.replay - before.replay, total: after.total - before.total },
    cpuMsPerRequest: { main: perRequest('main'), replay: perRequest('replay'), total: perRequest('total') }, peakRssBytes: peak,
  };
}

interface ReplayHeap { usedBytes: number; totalBytes: number; rssBytes: number }

async function replayState(admin: ApiClient): Promise<{ running: boolean; pid: number | null; heap: ReplayHeap | null }> {
  const r = await admin.get('/admin/shadow');
  if (r.status !== 200) throw new Error(`GET /admin/shadow: ${r.status} ${r.text}`);
  return r.body.replay;
}

const stack = await startStack({ label: 'shadowbench', env: { ...ALL_EXPRESS, LOG_LEVEL: 'warn', SHADOW_NOISE_RATE: '10' } });
try {
  const legacy = await stack.spawnLegacy();
  const targets = {
    express: await stack.spawnGateway(legacy.url, {}, 'gw-express'),
    'shadow 100%': await stack.spawnGateway(legacy.url, { VEHICLES_SHADOW_RATE: '100' }, 'gw-shadow100'),
    'shadow 10%': await stack.spawnGateway(legacy.url, { VEHICLES_SHADOW_RATE: '10' }, 'gw-shadow10'),
    [CONTROL_STAGE]: await stack.spawnGateway(legacy.url, {}, 'gw-control'),
  };
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
  for (const gw of [targets['shadow 100%'], targets['shadow 10%']]) {
    const deadline = Date.now() + 60_000;
    while ((await adminOf(gw).get('/admin/shadow')).body.replay?.ready !== true) {
      if (Date.now() > deadline) throw new Error(`${gw.name}: the replay worker is not ready`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }
  const results: Record<string, Measurement[]> = {};
  const fixed: Record<string, FixedRun[]> = {};
  for (const name of Object.keys(targets)) {
    results[name] = [];
    fixed[name] = [];
  }
  for (let r = 0; r < (fixedOnly ? 0 : rounds); r++) {
    for (const [name, gw] of Object.entries(targets)) {
      if (name === CONTROL_STAGE) continue; // the control is for the fixed-rate figures
      const m = await measure({ url: gw.url, specs, connections: 10, durationSeconds: seconds, expectBackend: 'express', sampled: [gw, legacy], servers: [gw.name, legacy.name] });
      results[name].push(m);
      console.error(`round ${r + 1} ${name}: ${m.reqPerSec} req/s p50 ${m.latencyMs.p50} ms p99 ${m.latencyMs.p99} ms non2xx ${m.non2xx} mismatched backend ${m.backendMismatches}`);
    }
  }
  // Each target keeps its keep-alive sockets across the slices; one unmeasured pass first: the JIT and the
  // pools warm up (the first round was otherwise the slowest).
  const stages = Object.entries(targets).map(([name, gw]) => ({ name, gw, admin: adminOf(gw), agent: new http.Agent({ keepAlive: true, maxSockets: 256 }) }));
  for (const { gw, agent } of stages) await openLoop({ url: gw.url, specs, rate: fixedRate, seconds: quick ? 2 : 4, agent });
  for (let r = 0; r < fixedRounds; r++) {
    const line: string[] = [];
    for (let k = 0; k < stages.length; k++) {
      const { name, gw, admin, agent } = stages[(r + k) % stages.length];
      const run = await atRate(gw, admin, agent, specs, fixedRate);
      fixed[name].push(run);
      line.push(`${name} p50 ${run.p50} p99 ${run.p99} main ${run.cpuMsPerRequest.main.toFixed(3)} replay ${run.cpuMsPerRequest.replay.toFixed(3)}`);
    }
    console.error(`fixed ${fixedRate}/s round ${r + 1} (ms): ${line.join('; ')}`);
  }
  for (const { agent } of stages) agent.destroy();
  const saturated = Object.entries(results).filter(([stage]) => stage !== CONTROL_STAGE).map(([stage, ms]) => {
    const cpuPer1k = (proc: string) => median(ms.map((m) => ((m.processes.find((p) => p.name === proc)?.cpuSeconds ?? 0) / m.responses) * 1000));
    const gw = targets[stage as keyof typeof targets];
    return {
      stage, reqPerSec: median(ms.map((m) => m.reqPerSec)), p50: median(ms.map((m) => m.latencyMs.p50)), p99: median(ms.map((m) => m.latencyMs.p99)),
      gatewayCpuSecondsPer1k: cpuPer1k(gw.name), legacyCpuSecondsPer1k: cpuPer1k(legacy.name), failures: ms.reduce((a, m) => a + m.non2xx + m.backendMismatches, 0),
    };
  });
  // Pooled over the rounds: percentiles of every request's latency, CPU summed over every request.
  const atFixedRate = Object.entries(fixed).map(([stage, xs]) => {
    const requests = xs.reduce((a, x) => a + x.requests, 0);
    const per = (k: keyof CpuSplit) => (xs.reduce((a, x) => a + x.cpuSeconds[k], 0) / requests) * 1000;
    const { p50, p99 } = percentiles(xs.map((x) => x.sorted));
    return {
      stage, p50, p99, requests, non2xx: xs.reduce((a, x) => a + x.non2xx, 0),
      cpuMsPerRequest: { main: per('main'), replay: per('replay'), total: per('total') },
      rounds: xs.map((x) => ({ p50: x.p50, p99: x.p99, mainCpuMsPerRequest: x.cpuMsPerRequest.main })),
      peakRssBytes: Math.max(...xs.map((x) => x.peakRssBytes)),
    };
  });

  // The replay's memory: its heap and each gateway's RSS while on; then vehicles leave shadow on every
  // instance (one flag), the workers stop, and the RSS is read again.
  const shadowGateways = [targets['shadow 100%'], targets['shadow 10%']];
  const whileOn = await Promise.all(shadowGateways.map(async (gw) => ({ name: gw.name, rssBytes: rssBytes(gw.pid), heap: (await replayState(adminOf(gw))).heap })));
  const report = (await adminOf(targets['shadow 100%']).get('/admin/shadow/vehicles')).body;
  const flipped = await adminOf(targets.express).put('/admin/flags/vehicles', { stage: 'express' });
  if (flipped.status !== 200) throw new Error(`flip to express: ${flipped.status} ${flipped.text}`);
  const stopDeadline = Date.now() + 30_000;
  for (const gw of shadowGateways) {
    while ((await replayState(adminOf(gw))).running) {
      if (Date.now() > stopDeadline) throw new Error(`${gw.name}: the replay worker did not stop`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }
  await new Promise((res) => setTimeout(res, AFTER_STOP_MS));
  const afterStop = shadowGateways.map((gw) => ({ name: gw.name, rssBytes: rssBytes(gw.pid) }));
  const memory = { expressGatewayRssBytes: rssBytes(targets.express.pid), whileOn, afterStop, afterStopMs: AFTER_STOP_MS };
  await adminOf(targets.express).del('/admin/flags/vehicles');

  const record = {
    date: new Date().toISOString(), mode: quick ? 'quick' : 'full', seconds, rounds, fixedRate, fixedSeconds, fixedRounds, saturated, atFixedRate, memory,
    shadowReport: { compared: report.compared, matched: report.matched, mismatched: report.mismatched, skipped: report.skipped, errored: report.errored },
  };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(SHADOW_RESULTS, `${JSON.stringify(record, null, 2)}\n`);
  console.error(`[shadow-bench] ${JSON.stringify({ atFixedRate, memory })}`);
} finally {
  await stack.close();
}

// What shadow traffic costs the client (issue 12): GET /api/vehicles/:id through a gateway with vehicles in
// stage express, shadow 100% and shadow 10% (one legacy app, real processes, the production build), rounds
// interleaved, figures from benchmarks/measure.ts. `make bench` runs it before the main run and STATUS.md
// shows the result (benchmarks/results/shadow-overhead.json). Alone: node benchmarks/shadow-overhead.ts [--quick]
import autocannon from 'autocannon';
import { mkdir, writeFile } from 'node:fs/promises';
import { startStack, ALL_EXPRESS } from '../stack/process-stack.ts';
import { measure, type Measurement } from './measure.ts';
import type { RequestSpec } from './scenarios.ts';
import { median } from './summary.ts';
import { randomVin } from '../dev/fake-externals/vins.ts';

const quick = process.argv.includes('--quick');
const seconds = quick ? 3 : 8;
const rounds = quick ? 1 : 3;
const fixedRate = 200;
export const SHADOW_RESULTS = new URL('./results/shadow-overhead.json', import.meta.url);

/** One JSON call (setup and the report; the measured traffic goes through autocannon). */
async function json(url: string, token: string, method = 'GET', body?: unknown) {
  const res = await fetch(url, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  });
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${await res.text()}`);
  return res.json();
}

/** Latency at a fixed offered rate (not saturating): what a client pays when the gateway has headroom. */
async function atRate(url: string, specs: RequestSpec[], rate: number): Promise<{ p50: number; p99: number; non2xx: number }> {
  let next = 0;
  const result = await autocannon({
    url, connections: 10, duration: seconds, overallRate: rate,
    requests: [{
      setupRequest: (req) => {
        const spec = specs[next++ % specs.length];
        return { ...req, method: spec.method, path: spec.path, headers: spec.headers };
      },
    }],
  });
  return { p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}
const stack = await startStack({ label: 'shadowbench', env: { ...ALL_EXPRESS, LOG_LEVEL: 'warn', SHADOW_NOISE_RATE: '10' } });
try {
  const legacy = await stack.spawnLegacy();
  const targets = {
    express: await stack.spawnGateway(legacy.url, {}, 'gw-express'),
    'shadow 100%': await stack.spawnGateway(legacy.url, { VEHICLES_SHADOW_RATE: '100' }, 'gw-shadow100'),
    'shadow 10%': await stack.spawnGateway(legacy.url, { VEHICLES_SHADOW_RATE: '10' }, 'gw-shadow10'),
  };
  const specs: RequestSpec[] = [];
  for (let i = 0; i < 30; i++) {
    const u = await stack.newUser();
    for (let j = 0; j < 3; j++) {
      const created = await json(`${legacy.url}/api/vehicles`, u.token, 'POST', { vin: randomVin(), nickname: `bench ${i}.${j}` });
      specs.push({ method: 'GET', path: `/api/vehicles/${created.id}`, headers: { authorization: `Bearer ${u.token}` } });
    }
  }
  const results: Record<string, Measurement[]> = {};
  const fixed: Record<string, Array<{ p50: number; p99: number; non2xx: number }>> = {};
  for (const name of Object.keys(targets)) {
    results[name] = [];
    fixed[name] = [];
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, gw] of Object.entries(targets)) {
      const m = await measure({ url: gw.url, specs, connections: 10, durationSeconds: seconds, expectBackend: 'express', sampled: [gw, legacy], servers: [gw.name, legacy.name] });
      results[name].push(m);
      console.error(`round ${r + 1} ${name}: ${m.reqPerSec} req/s p50 ${m.latencyMs.p50} ms p99 ${m.latencyMs.p99} ms non2xx ${m.non2xx} mismatched backend ${m.backendMismatches}`);
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, gw] of Object.entries(targets)) fixed[name].push(await atRate(gw.url, specs, fixedRate));
  }
  const saturated = Object.entries(results).map(([stage, ms]) => {
    const cpuPer1k = (proc: string) => median(ms.map((m) => ((m.processes.find((p) => p.name === proc)?.cpuSeconds ?? 0) / m.responses) * 1000));
    const gw = targets[stage as keyof typeof targets];
    return {
      stage, reqPerSec: median(ms.map((m) => m.reqPerSec)), p50: median(ms.map((m) => m.latencyMs.p50)), p99: median(ms.map((m) => m.latencyMs.p99)),
      gatewayCpuSecondsPer1k: cpuPer1k(gw.name), legacyCpuSecondsPer1k: cpuPer1k(legacy.name), failures: ms.reduce((a, m) => a + m.non2xx + m.backendMismatches, 0),
    };
  });
  const atFixedRate = Object.entries(fixed).map(([stage, xs]) => ({
    stage, p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)), non2xx: xs.reduce((a, x) => a + x.non2xx, 0),
  }));
  const report = await json(`${targets['shadow 100%'].url}/admin/shadow/vehicles`, await stack.sign({ permissions: ['admin:flags'] }));
  const record = {
    date: new Date().toISOString(), mode: quick ? 'quick' : 'full', seconds, rounds, fixedRate, saturated, atFixedRate,
    shadowReport: { compared: report.compared, matched: report.matched, mismatched: report.mismatched, skipped: report.skipped, errored: report.errored },
  };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(SHADOW_RESULTS, `${JSON.stringify(record, null, 2)}\n`);
  console.error(`[shadow-bench] ${JSON.stringify(saturated)}`);
} finally {
  await stack.close();
}

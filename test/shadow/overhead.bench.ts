// What shadow traffic costs the client: GET /api/vehicles/:id through a gateway with vehicles in stage
// express, shadow 100% and shadow 10% (one legacy app, real processes), rounds interleaved, figures from
// benchmarks/measure.ts. Usage: DATABASE_URL=… REDIS_URL=… node test/shadow/overhead.bench.ts [seconds] [rounds]
import autocannon from 'autocannon';
import { startStack, ALL_EXPRESS } from '../faults/support/stack.ts';
import { measure, type Measurement } from '../../benchmarks/measure.ts';
import type { RequestSpec } from '../../benchmarks/scenarios.ts';
import { randomVin } from '../features/support/vehicles.ts';
import { Client } from '../support/client.ts';

const seconds = Number(process.argv[2] ?? 8);
const rounds = Number(process.argv[3] ?? 3);
const fixedRate = Number(process.argv[4] ?? 200);

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
      const res = await new Client(legacy.url, u.token).post('/api/vehicles', { vin: randomVin(), nickname: `bench ${i}.${j}` });
      specs.push({ method: 'GET', path: `/api/vehicles/${res.body.id}`, headers: { authorization: `Bearer ${u.token}` } });
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
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`saturated (10 connections, closed loop; medians of ${rounds} rounds):`);
  console.log('| stage | req/s | p50 ms | p99 ms | gateway CPU s per 1k req | legacy CPU s per 1k req |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, ms] of Object.entries(results)) {
    const cpuPer1k = (proc: string) => median(ms.map((m) => (m.processes.find((p) => p.name === proc)?.cpuSeconds ?? 0) / m.responses * 1000));
    const gw = targets[name as keyof typeof targets];
    console.log(`| ${name} | ${median(ms.map((m) => m.reqPerSec))} | ${median(ms.map((m) => m.latencyMs.p50))} | ${median(ms.map((m) => m.latencyMs.p99))} | ${cpuPer1k(gw.name).toFixed(3)} | ${cpuPer1k(legacy.name).toFixed(3)} |`);
  }
  console.log(`\nat a fixed ${fixedRate} req/s (medians of ${rounds} rounds):\n| stage | p50 ms | p99 ms | non-2xx |\n|---|---|---|---|`);
  for (const [name, xs] of Object.entries(fixed)) {
    console.log(`| ${name} | ${median(xs.map((x) => x.p50))} | ${median(xs.map((x) => x.p99))} | ${xs.reduce((a, x) => a + x.non2xx, 0)} |`);
  }
  const admin = new Client(targets['shadow 100%'].url, await stack.sign({ permissions: ['admin:flags'] }));
  const report = (await admin.get('/admin/shadow/vehicles')).body;
  console.log(`\nshadow report (both shadow gateways): compared ${report.compared}, mismatched ${report.mismatched}, skipped ${report.skipped} ${JSON.stringify(report.routes.map((r: { skippedBy: unknown }) => r.skippedBy))}, errored ${report.errored}`);
} finally {
  await stack.close();
}

// One measurement: autocannon (programmatic) against one base URL, rotating over a request list,
// while the server processes' RSS is sampled and their CPU time taken before and after.
import autocannon from 'autocannon';
import type { AppProcess } from '../stack/apps.ts';
import { machineCpu, machineCpuDelta, startSampler, type ProcessUsage } from './processes.ts';
import type { RequestSpec } from './scenarios.ts';

export interface MeasureOptions {
  url: string;
  specs: RequestSpec[];
  connections: number;
  durationSeconds: number;
  /** The value every response's x-backend header must have (null: unchecked). */
  expectBackend: string | null;
  /** Processes sampled (RSS, CPU) during the run. */
  sampled: AppProcess[];
  /** Names of the sampled processes that serve this path (their CPU is the "server CPU"). */
  servers: string[];
}

export interface Measurement {
  durationSeconds: number;
  responses: number;
  reqPerSec: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  backendMismatches: number;
  statusCodes: Record<string, number>;
  /** Up to 3 example answers that were not 2xx or had the wrong backend. */
  failureSamples: string[];
  processes: ProcessUsage[];
  serverCpuSeconds: number;
  reqPerServerCpuSecond: number;
  /** CPU the load generator (this process) used in the same window. */
  loadGeneratorCpuSeconds: number;
  /** PostgreSQL and Redis server processes' CPU in the window. */
  postgresCpuSeconds: number;
  redisCpuSeconds: number;
  /** User+system CPU of the whole machine minus every process above: other processes that ran. */
  otherCpuSeconds: number;
  /** Interrupt (irq+softirq) and hypervisor-steal CPU seconds in the window. */
  irqCpuSeconds: number;
  stealCpuSeconds: number;
}

/** Exact percentiles (nearest rank) of the recorded response times. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

const r2 = (n: number) => Math.round(n * 100) / 100;

export async function measure(opts: MeasureOptions): Promise<Measurement> {
  const { specs } = opts;
  let next = 0;
  let built = 0;
  let times = new Float64Array(1 << 16);
  let count = 0;
  let mismatches = 0;
  const samples: string[] = [];
  const note = (s: string) => {
    if (samples.length < 3) samples.push(s.slice(0, 300));
  };

  const machine0 = machineCpu();
  const sampler = startSampler(opts.sampled);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({
      url: opts.url,
      connections: opts.connections,
      duration: opts.durationSeconds,
      timeout: 10,
      requests: [{
        setupRequest: (req) => {
          const spec = specs[next];
          next = (next + 1) % specs.length;
          req.method = spec.method;
          req.path = spec.path;
          req.headers = { ...spec.headers };
          req.body = spec.body ? spec.body(built++) : undefined;
          return req;
        },
        onResponse: (status, body, _context, headers) => {
          const backend = headers?.['x-backend'];
          if (status < 200 || status > 299) note(`${status} ${body}`);
          else if (opts.expectBackend && backend !== opts.expectBackend) {
            mismatches++;
            note(`${status} x-backend=${String(backend)} (expected ${opts.expectBackend})`);
          }
        },
      }],
    }, (err, result) => (err ? reject(err) : resolve(result)));
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    if (count === times.length) {
      const bigger = new Float64Array(times.length * 2);
      bigger.set(times);
      times = bigger;
    }
    times[count++] = responseTime;
  });
  instance.on('reqError', (err: Error) => note(`error: ${err.message}`));
  const result = await done;
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const processes = sampler.stop();
  const machine = machineCpuDelta(machine0, machineCpu());

  const sorted = times.slice(0, count).sort();
  let sum = 0;
  for (const t of sorted) sum += t;
  const loadGeneratorCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const allServersCpu = processes.reduce((a, p) => a + p.cpuSeconds, 0);
  const serverCpuSeconds = processes.filter((p) => opts.servers.includes(p.name)).reduce((a, p) => a + p.cpuSeconds, 0);
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, (v as { count: number }).count]));
  return {
    durationSeconds: r2(elapsed),
    responses: count,
    reqPerSec: r2(count / elapsed),
    latencyMs: {
      p50: r2(percentile(sorted, 50)),
      p95: r2(percentile(sorted, 95)),
      p99: r2(percentile(sorted, 99)),
      max: r2(sorted[sorted.length - 1] ?? NaN),
      mean: r2(count ? sum / count : NaN),
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    backendMismatches: mismatches,
    statusCodes,
    failureSamples: samples,
    processes,
    serverCpuSeconds: Math.round(serverCpuSeconds * 1000) / 1000,
    reqPerServerCpuSecond: serverCpuSeconds > 0 ? Math.round(count / serverCpuSeconds) : NaN,
    loadGeneratorCpuSeconds: Math.round(loadGeneratorCpuSeconds * 1000) / 1000,
    postgresCpuSeconds: machine.postgresSeconds,
    redisCpuSeconds: machine.redisSeconds,
    otherCpuSeconds: r2(Math.max(0, machine.busySeconds - allServersCpu - loadGeneratorCpuSeconds - machine.postgresSeconds - machine.redisSeconds)),
    irqCpuSeconds: machine.irqSeconds,
    stealCpuSeconds: machine.stealSeconds,
  };
}

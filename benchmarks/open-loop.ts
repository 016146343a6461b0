// Open-loop load at a fixed rate, with latencies in microseconds. A request is sent every 1/rate seconds
// whether or not earlier ones have answered (a closed loop would slow down with the server and hide its
// queueing), over keep-alive sockets. autocannon's histogram keeps whole milliseconds, too coarse to tell
// a 3.4 ms p50 from a 3.9 ms one.
import http from 'node:http';
import type { RequestSpec } from './scenarios.ts';

export interface OpenLoopResult {
  requests: number;
  non2xx: number;
  errors: number;
  /** Milliseconds, from the request's start to the end of its answer's body. */
  p50: number;
  p90: number;
  p99: number;
  /** Every answered request's latency in ms, ascending (to pool several runs: `percentiles`). */
  sorted: Float64Array;
}

export interface OpenLoopOptions {
  url: string;
  specs: readonly RequestSpec[];
  rate: number;
  seconds: number;
  /** Keep-alive sockets to reuse across runs (one per target): a short run then pays no connection set-up. */
  agent?: http.Agent;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** p50/p90/p99 (ms, two decimals) over the latencies of several runs together. */
export function percentiles(runs: readonly Float64Array[]): { p50: number; p90: number; p99: number } {
  const all = new Float64Array(runs.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of runs) {
    all.set(r, at);
    at += r.length;
  }
  all.sort();
  return { p50: round2(percentile(all, 50)), p90: round2(percentile(all, 90)), p99: round2(percentile(all, 99)) };
}

export async function openLoop({ url, specs, rate, seconds, agent: shared }: OpenLoopOptions): Promise<OpenLoopResult> {
  const agent = shared ?? new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  let answered = 0;
  let non2xx = 0;
  let errors = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => { finished = resolve; });
  const settle = () => { if (++answered === total) finished(); };

  const send = (i: number) => {
    const spec = specs[i % specs.length];
    const started = process.hrtime.bigint();
    const req = http.request({
      agent, host: target.hostname, port: target.port, method: spec.method, path: spec.path, headers: spec.headers,
    }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        latencies[i] = Number(process.hrtime.bigint() - started) / 1e6;
        if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode >= 300) non2xx++;
        settle();
      });
      res.on('error', () => { errors++; latencies[i] = Number.NaN; settle(); });
    });
    req.on('error', () => { errors++; latencies[i] = Number.NaN; settle(); });
    req.end(spec.body?.(i));
  };

  // Each send is scheduled from the start time, not from the previous send, so timer drift does not lower the rate.
  const start = performance.now();
  const intervalMs = 1000 / rate;
  for (let i = 0; i < total; i++) {
    const wait = start + i * intervalMs - performance.now();
    if (wait > 1) await new Promise((res) => setTimeout(res, wait));
    send(i);
  }
  await allDone;
  if (!shared) agent.destroy();
  const sorted = latencies.filter((x) => !Number.isNaN(x)).sort();
  return { requests: total, non2xx, errors, ...percentiles([sorted]), sorted };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS, RequestMetrics } from './request-metrics.ts';

type Observation = [feature: string, backend: string, route: string, method: string, status: number, seconds: number];

const OBSERVATIONS: Observation[] = [
  ['vehicles', 'fastify', '/api/vehicles/:id', 'GET', 200, 0.0031],
  ['vehicles', 'fastify', '/api/vehicles', 'GET', 200, 0.0009],
  ['vehicles', 'fastify', '/api/vehicles', 'POST', 201, 0.012],
  ['vehicles', 'express', '/api/vehicles', 'GET', 401, 0.001], // exactly on a bound: counted in that bucket (le)
  ['fuel-logs', 'express', '/api/fuel-logs/:id', 'GET', 503, 0.25],
  ['fuel-logs', 'express', '/api/fuel-logs/:id', 'GET', 502, 42], // above the largest bound: only +Inf
  ['gateway', 'gateway', 'unmatched', 'GET', 404, 0.0002],
  ['stations', 'shadow"\\\n', '/api/stations/search', 'GET', 200, 0.004], // label escaping
];

/** What prom-client writes for the same series (the implementation this replaced). */
async function promClientText(observations: Observation[]): Promise<string> {
  const registry = new Registry();
  const labels = ['feature', 'backend', 'route'] as const;
  const requests = new Counter({ name: 'gateway_requests_total', help: 'Requests answered, by feature, backend, route template, method and status', labelNames: [...labels, 'method', 'status'], registers: [registry] });
  const errors = new Counter({ name: 'gateway_request_errors_total', help: 'Requests answered with a 5xx, by feature, backend and route template', labelNames: labels, registers: [registry] });
  const latency = new Histogram({ name: 'gateway_request_duration_seconds', help: 'Request latency by feature, backend and route template', labelNames: labels, registers: [registry], buckets: [...LATENCY_BUCKETS] });
  for (const [feature, backend, route, method, status, seconds] of observations) {
    requests.labels(feature, backend, route, method, String(status)).inc();
    if (status >= 500) errors.labels(feature, backend, route).inc();
    latency.labels(feature, backend, route).observe(seconds);
  }
  return registry.metrics();
}

/** Lines grouped by metric family, each family's lines sorted: the format does not order series. */
const families = (text: string) => text.trim().split(/\n\n+/).map((f) => f.split('\n').sort().join('\n')).sort();

test('RequestMetrics writes what prom-client writes for the same requests', async () => {
  const metrics = new RequestMetrics();
  for (const o of OBSERVATIONS) metrics.observe(...o);
  assert.deepEqual(families(metrics.render()), families(await promClientText(OBSERVATIONS)));
});

test('RequestMetrics with no requests: the families and their types, no series', async () => {
  assert.deepEqual(families(new RequestMetrics().render()), families(await promClientText([])));
});

test('buckets are cumulative and +Inf equals the count', () => {
  const metrics = new RequestMetrics();
  for (const s of [0.0005, 0.002, 0.002, 3, 11]) metrics.observe('vehicles', 'fastify', '/api/vehicles', 'GET', 200, s);
  const text = metrics.render();
  const bucket = (le: string) => Number(new RegExp(`_bucket\\{le="${le.replace("+", "\\+")}",feature="vehicles",backend="fastify",route="\\/api\\/vehicles"\\} (\\d+)`).exec(text)?.[1]);
  assert.equal(bucket('0.001'), 1);
  assert.equal(bucket('0.0025'), 3);
  assert.equal(bucket('5'), 4);
  assert.equal(bucket('+Inf'), 5);
  assert.match(text, /gateway_request_duration_seconds_count\{feature="vehicles",backend="fastify",route="\/api\/vehicles"\} 5/);
  assert.match(text, /gateway_requests_total\{feature="vehicles",backend="fastify",route="\/api\/vehicles",method="GET",status="200"\} 5/);
});

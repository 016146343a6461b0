// One trace from the client to PostgreSQL on either backend: both apps run as real processes with the
// standard OTEL_* variables pointed at a real OTLP/HTTP receiver (JSON encoding) in this process.
// A proxied request is one trace holding the gateway's spans (naming the backend), the proxy hop and the
// legacy app's handler and SQL; a native request is one trace holding the gateway's handler and SQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startInfrastructure, type Infrastructure } from '../../stack/infrastructure.ts';
import { spawnApp, type AppProcess } from '../../stack/apps.ts';
import { requiredEnv } from '../support/env.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.ts';

const GATEWAY = 'motovaultpro-gateway';
const LEGACY = 'motovaultpro-legacy';

let receiver: OtlpReceiver;
let infra: Infrastructure;
let legacy: AppProcess;
let gateway: AppProcess;
let token: string;

before(async () => {
  receiver = await startOtlpReceiver();
  infra = await startInfrastructure({ from: { REDIS_URL: process.env.REDIS_URL }, databaseUrl: requiredEnv('DATABASE_URL'), s3: false, auth: 'fresh-url' });
  const env = {
    PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...infra.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  legacy = await spawnApp('legacy', { env });
  // vehicles stays on express (proxied), fuel-logs is native, maintenance is a canary with every user's bucket
  // native, stations is shadowed (every read replayed by the worker).
  gateway = await spawnApp('gateway', {
    env: {
      ...env, LEGACY_URL: legacy.url, VEHICLES_BACKEND: 'express', FUEL_LOGS_BACKEND: 'fastify', MAINTENANCE_CANARY_PERCENT: '100',
      STATIONS_SHADOW_RATE: '100', SHADOW_MAX_WAIT_MS: '20000',
    },
  });
  token = await infra.sign({});
});

after(async () => {
  await Promise.all([gateway?.stop(), legacy?.stop()]);
  await infra?.close();
  await receiver?.close();
});

/** A W3C traceparent as a browser's instrumentation sends it: a fresh trace, a fresh parent span, sampled. */
function browserTraceparent() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, header: `00-${traceId}-${spanId}-01` };
}

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  await res.arrayBuffer();
  return res;
}

const isSql = (s: ReceivedSpan) => s.attributes['db.system.name'] === 'postgresql' || s.attributes['db.system'] === 'postgresql';
const serverRoot = (spans: ReceivedSpan[], service: string) => spans.find((s) => s.service === service && s.kind === 2 && s.attributes['mvp.backend'] !== undefined);

describe('tracing across the gateway and the legacy app', () => {
  test('a proxied request is one trace: the browser\'s span → gateway (backend express) → proxy hop → legacy handler → SQL', async () => {
    const browser = browserTraceparent();
    const res = await get('/api/vehicles', { traceparent: browser.header });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-backend'), 'express');
    const spans = await receiver.waitFor((all) => {
      const mine = all.filter((s) => s.traceId === browser.traceId);
      // Each process exports on its own schedule: wait for both server spans (each ends after its children).
      return mine.some((s) => s.service === LEGACY && s.kind === 2) && serverRoot(mine, GATEWAY) !== undefined;
    });
    const trace = spans.filter((s) => s.traceId === browser.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));

    // The gateway's server span continues the browser's trace and names what the migration decided.
    const gw = serverRoot(trace, GATEWAY);
    assert.ok(gw);
    assert.equal(gw.parentSpanId, browser.spanId);
    assert.equal(gw.attributes['mvp.backend'], 'express');
    assert.equal(gw.attributes['mvp.feature'], 'vehicles');
    assert.equal(gw.attributes['mvp.stage'], 'express');
    assert.equal(gw.attributes['http.route'], '/api/vehicles', 'the native template, not the proxy\'s /api/*');
    assert.ok(trace.some((s) => s.service === GATEWAY && s.name === 'request' && s.attributes['mvp.backend'] === 'express'), `@fastify/otel's request span\n${trace.map((s) => `${s.service} ${s.spanId} <- ${s.parentSpanId} ${s.kind} ${s.name} ${JSON.stringify(s.attributes)}`).join('\n')}`);

    // The legacy app's server span is a child of the gateway's proxy client span (the hop), in the same trace.
    const legacyServer = trace.find((s) => s.service === LEGACY && s.kind === 2);
    assert.ok(legacyServer, 'the legacy app\'s server span is in the trace');
    assert.equal(legacyServer.attributes['mvp.backend'], 'express');
    const hop = byId.get(legacyServer.parentSpanId);
    assert.ok(hop, 'the legacy span\'s parent is in the trace');
    assert.equal(hop.service, GATEWAY);
    assert.equal(hop.kind, 3, 'the proxy hop is a client span');
    assert.deepEqual([hop.attributes['mvp.backend'], hop.attributes['mvp.hop']], ['express', 'legacy-proxy']);
    // Express's handler spans and the SQL it ran hang under the legacy server span.
    assert.ok(trace.some((s) => s.service === LEGACY && s.attributes['express.type'] !== undefined), 'express handler spans');
    const sql = trace.find((s) => s.service === LEGACY && isSql(s));
    assert.ok(sql);
    let up: ReceivedSpan | undefined = sql;
    while (up && up !== legacyServer) up = byId.get(up.parentSpanId);
    assert.equal(up, legacyServer, 'the SQL span descends from the legacy server span');
    assert.ok(!trace.some((s) => s.service === GATEWAY && isSql(s)), 'the gateway ran no SQL for a proxied read');

    // The request's access-log lines in both processes carry the trace id.
    const logged = (p: AppProcess) => p.output().split('\n').filter((l) => l.includes('"msg":"request"') && l.includes(browser.traceId));
    assert.equal(logged(gateway).length, 1, gateway.output().slice(-2000));
    assert.equal(logged(legacy).length, 1, legacy.output().slice(-2000));
  });

  test('a native request is one trace: gateway (backend fastify) → handler → SQL, and nothing from the legacy app', async () => {
    const browser = browserTraceparent();
    const res = await get('/api/fuel-logs', { traceparent: browser.header });
    assert.equal(res.headers.get('x-backend'), 'fastify');
    assert.ok(res.status < 500, String(res.status));
    const spans = await receiver.waitFor((all) => {
      const mine = all.filter((s) => s.traceId === browser.traceId);
      return mine.some((s) => isSql(s)) && serverRoot(mine, GATEWAY) !== undefined;
    });
    const trace = spans.filter((s) => s.traceId === browser.traceId);
    const gw = serverRoot(trace, GATEWAY);
    assert.ok(gw);
    assert.equal(gw.parentSpanId, browser.spanId);
    assert.equal(gw.attributes['mvp.backend'], 'fastify');
    assert.equal(gw.attributes['mvp.feature'], 'fuel-logs');
    assert.equal(gw.attributes['mvp.stage'], 'fastify');
    assert.ok(trace.every((s) => s.service === GATEWAY), 'no legacy span');
    assert.ok(trace.some((s) => s.name.startsWith('handler')), '@fastify/otel\'s handler span');
  });

  test('in a canary the spans say the stage and that the user\'s bucket is native', async () => {
    const browser = browserTraceparent();
    const res = await get('/api/maintenance/records', { traceparent: browser.header });
    assert.equal(res.headers.get('x-backend'), 'fastify');
    const spans = await receiver.waitFor((all) => serverRoot(all.filter((s) => s.traceId === browser.traceId), GATEWAY) !== undefined);
    const gw = serverRoot(spans.filter((s) => s.traceId === browser.traceId), GATEWAY);
    assert.deepEqual(
      [gw?.attributes['mvp.feature'], gw?.attributes['mvp.stage'], gw?.attributes['mvp.backend'], gw?.attributes['mvp.bucket_native'], gw?.attributes['http.route']],
      ['maintenance', 'canary', 'fastify', true, '/api/maintenance/records'],
    );
  });

  test('without a client traceparent a proxied request still starts one trace that crosses both processes', async () => {
    const before = new Set(receiver.spans.map((s) => s.traceId));
    await get('/api/vehicles');
    // The two processes export separately: wait for the legacy app's SQL and the gateway's server span of one new trace.
    const newTrace = (all: ReceivedSpan[]) => all.find((s) => !before.has(s.traceId) && s.service === LEGACY && isSql(s))?.traceId;
    const spans = await receiver.waitFor((all) => {
      const id = newTrace(all);
      return id !== undefined && serverRoot(all.filter((s) => s.traceId === id), GATEWAY) !== undefined;
    });
    const gw = serverRoot(spans.filter((s) => s.traceId === newTrace(spans)), GATEWAY);
    assert.ok(gw, 'the gateway\'s server span is in the legacy app\'s trace');
    assert.equal(gw.parentSpanId, '', 'the gateway started the trace');
  });

  test('a shadow replay is a trace of its own, linked to the client\'s: its native run and SQL are in it, none of it in the client\'s', async () => {
    const browser = browserTraceparent();
    const res = await get('/api/stations/saved', { traceparent: browser.header });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-backend'), 'express', 'the client is answered by Express');
    const isReplay = (s: ReceivedSpan) => s.name === 'shadow replay' && s.links.some((l) => l.traceId === browser.traceId);
    const spans = await receiver.waitFor((all) => {
      const replay = all.find(isReplay);
      return replay !== undefined && all.some((s) => s.traceId === replay.traceId && isSql(s)) && all.some((s) => s.spanId === replay.links[0].spanId);
    }, 30_000);
    const replay = spans.find(isReplay);
    assert.ok(replay);
    assert.notEqual(replay.traceId, browser.traceId, 'never part of the client\'s trace');
    assert.equal(replay.parentSpanId, '', 'a root');
    assert.deepEqual([replay.service, replay.attributes['mvp.feature'], replay.attributes['mvp.stage'], replay.attributes['mvp.route']],
      [GATEWAY, 'stations', 'shadow', 'GET /api/stations/saved']);
    const linked = spans.find((s) => s.spanId === replay.links[0].spanId);
    assert.deepEqual([linked?.traceId, linked?.service], [browser.traceId, GATEWAY], 'linked to the gateway\'s span of the client\'s request');
    const own = spans.filter((s) => s.traceId === replay.traceId);
    assert.ok(own.some((s) => s.service === GATEWAY && s.attributes['http.route'] === '/api/stations/saved'), 'the native run is in the replay\'s trace');
    assert.ok(own.some(isSql), 'and its SQL');
    const client = spans.filter((s) => s.traceId === browser.traceId);
    assert.deepEqual([...new Set(client.filter(isSql).map((s) => s.service))], [LEGACY], 'the client\'s trace holds only the legacy app\'s SQL');
  });

  test('health probes and metrics scrapes make no traces; only JSON trace exports arrived', async () => {
    const count = receiver.spans.length;
    for (const url of [`${gateway.url}/health`, `${gateway.url}/health/live`, `${gateway.url}/health?deep=1`, `${gateway.url}/metrics`, `${legacy.url}/health`]) {
      await fetch(url).then((r) => r.arrayBuffer());
    }
    await get('/api/vehicles'); // a request after them: once its spans arrive, the probes' would have too
    await receiver.waitFor((all) => all.length > count && all.slice(count).some((s) => s.service === LEGACY));
    await new Promise((r) => setTimeout(r, 300));
    const probes = receiver.spans.slice(count).filter((s) => /^\/(health|metrics)/.test(String(s.attributes['url.path'] ?? s.attributes['http.route'] ?? '')));
    assert.deepEqual(probes, []);
    assert.deepEqual(receiver.rejected, []);
  });
});

// /metrics fit for production: every request series carries its route template (never the raw URL; a
// proxied request the native route that would have served it), and /metrics is served on its own port
// (METRICS_PORT) or behind a bearer token (METRICS_TOKEN). Real HTTP, real legacy app, real gateways.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startBackends, type TestEnv, type TestUser } from '../support/in-process.ts';
import { freePort, startGatewayInProcess } from '../../stack/apps.ts';
import { loadConfig, ConfigError } from '../../src/config/config.ts';

let env: TestEnv;
let user: TestUser;
before(async () => {
  env = await startBackends();
  user = await env.newUser();
});
after(() => env?.close());

const scrape = async (base: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${base}/metrics`, { headers });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
};

describe('route template label', () => {
  test('both backends of a route share its template; ids and query strings never become labels', async () => {
    const id = randomUUID();
    for (const target of [env.targets.gatewayExpress, env.targets.gatewayFastify]) {
      const c = user.client(target);
      assert.equal((await c.get(`/api/vehicles/${id}`)).status, 404);
      await c.get('/api/stations/search?lat=37.7&lng=-5.1');
    }
    const proxied = (await scrape(env.targets.gatewayExpress)).text;
    const native = (await scrape(env.targets.gatewayFastify)).text;
    assert.match(proxied, /gateway_requests_total\{feature="vehicles",backend="express",route="\/api\/vehicles\/:id",method="GET",status="404"\} 1/);
    assert.match(native, /gateway_requests_total\{feature="vehicles",backend="fastify",route="\/api\/vehicles\/:id",method="GET",status="404"\} 1/);
    assert.match(proxied, /gateway_request_duration_seconds_count\{feature="stations",backend="express",route="\/api\/stations\/search"\} 1/);
    assert.match(native, /gateway_request_duration_seconds_count\{feature="stations",backend="fastify",route="\/api\/stations\/search"\} 1/);
    for (const text of [proxied, native]) {
      assert.ok(!text.includes(id), 'no raw id in any label');
      assert.ok(!text.includes('37.7'), 'no query string in any label');
    }
  });

  test('a proxied path no native route matches is labelled with its feature prefix; a path no route matches is "unmatched"', async () => {
    const c = user.client(env.targets.gatewayExpress);
    await c.get(`/api/vehicles/${randomUUID()}/a/b/c`);
    await c.get(`/no-such-page-${randomUUID()}`);
    const text = (await scrape(env.targets.gatewayExpress)).text;
    assert.match(text, /gateway_requests_total\{feature="vehicles",backend="express",route="\/api\/vehicles\/\*",method="GET",status="404"\} 1/);
    assert.match(text, /gateway_requests_total\{feature="gateway",backend="gateway",route="unmatched",method="GET",status="404"\} \d+/);
  });
});

describe('where /metrics is served', () => {
  const TOKEN = `metrics-${randomUUID()}`;

  test('METRICS_PORT: its own port (token required when set), nothing on the main port; released on close', async () => {
    const port = await freePort();
    const gw = await startGatewayInProcess({ env: { ...env.env, METRICS_PORT: String(port), METRICS_TOKEN: TOKEN } });
    const metricsUrl = `http://127.0.0.1:${port}`;
    try {
      assert.equal(gw.app.metrics.port(), port);
      assert.equal((await fetch(`${gw.url}/api/fuel-logs`)).status, 401); // a request to count
      assert.equal((await scrape(gw.url, { authorization: `Bearer ${TOKEN}` })).status, 404, 'not on the client-facing port');

      const anonymous = await scrape(metricsUrl);
      assert.equal(anonymous.status, 401);
      assert.equal(JSON.parse(anonymous.text).error.code, 'UNAUTHORIZED');
      assert.equal((await scrape(metricsUrl, { authorization: `Bearer ${TOKEN}x` })).status, 401);
      const ok = await scrape(metricsUrl, { authorization: `Bearer ${TOKEN}` });
      assert.equal(ok.status, 200);
      assert.match(ok.type, /^text\/plain/);
      assert.match(ok.text, /gateway_requests_total\{feature="fuel-logs",backend="express",route="\/api\/fuel-logs",method="GET",status="401"\} 1/);
      const other = await fetch(`${metricsUrl}/health`);
      assert.equal(other.status, 404);
      assert.equal((await other.json()).error.code, 'NOT_FOUND');
    } finally {
      await gw.close();
    }
    await assert.rejects(fetch(`${metricsUrl}/metrics`), 'the metrics port is closed with the app');
  });

  test('METRICS_TOKEN alone: on the main port, only with the token', async () => {
    const gw = await startGatewayInProcess({ env: { ...env.env, METRICS_TOKEN: TOKEN } });
    try {
      const anonymous = await scrape(gw.url);
      assert.equal(anonymous.status, 401);
      assert.equal(JSON.parse(anonymous.text).error.code, 'UNAUTHORIZED');
      assert.equal((await scrape(gw.url, { authorization: TOKEN })).status, 401, 'the bearer scheme is required');
      assert.equal((await scrape(gw.url, { authorization: `Bearer ${TOKEN}` })).status, 200);
    } finally {
      await gw.close();
    }
  });

  test('a metrics port equal to PORT, or a token shorter than 16 characters, stops start-up naming the variable', () => {
    assert.throws(() => loadConfig({ ...env.env, PORT: '4000', METRICS_PORT: '4000' }), (e: Error) => e instanceof ConfigError && /METRICS_PORT/.test(e.message));
    assert.throws(() => loadConfig({ ...env.env, METRICS_TOKEN: 'short' }), (e: Error) => e instanceof ConfigError && /METRICS_TOKEN/.test(e.message));
  });
});

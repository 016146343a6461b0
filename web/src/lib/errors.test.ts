// How failed API calls are told to the user, and how error bodies are read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Api, ApiError, errorFromResponse, query } from './api.ts';
import { describeError, fieldErrors, RETRY_MESSAGE } from './errors.ts';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

test('contract error bodies become ApiErrors; anything else keeps its status', async () => {
  const e = await errorFromResponse(json(400, { error: { code: 'VALIDATION_ERROR', message: 'Request validation failed', details: [{ field: 'year', message: 'must be >= 1900' }] } }));
  assert.equal(e.status, 400);
  assert.equal(e.code, 'VALIDATION_ERROR');
  assert.deepEqual(e.details, [{ field: 'year', message: 'must be >= 1900' }]);
  const html = await errorFromResponse(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
  assert.equal(html.status, 502);
  assert.equal(html.code, 'INTERNAL_ERROR');
});

test('validation details land beside their field, as sentences; the first message per field wins', () => {
  assert.deepEqual(fieldErrors([{ field: 'year', message: 'a' }, { field: 'year', message: 'b' }, { field: 'body.vin', message: 'c' }]), { year: 'a', vin: 'c' });
  const d = describeError(new ApiError(400, 'VALIDATION_ERROR', 'x', [{ field: 'year', message: 'must be >= 1900' }]));
  assert.equal(d.kind, 'validation');
  assert.deepEqual(d.fields, { year: 'Must be >= 1900' });
});

test('every 5xx, a network failure and a 429 ask to retry; 401, 404 and 409 say what happened', () => {
  for (const [status, code] of [[500, 'INTERNAL_ERROR'], [503, 'BACKEND_UNAVAILABLE'], [503, 'SERVICE_UNAVAILABLE'], [504, 'GATEWAY_TIMEOUT'], [0, 'NETWORK_ERROR']] as const) {
    const d = describeError(new ApiError(status, code, 'x'));
    assert.equal(d.kind, 'retry', code);
    assert.equal(d.message, RETRY_MESSAGE);
    assert.equal(d.retryable, true);
  }
  assert.equal(describeError(new ApiError(502, 'EXTERNAL_SERVICE_ERROR', 'x')).kind, 'retry');
  assert.equal(describeError(new ApiError(429, 'RATE_LIMITED', 'x')).retryable, true);
  assert.equal(describeError(new ApiError(401, 'UNAUTHORIZED', 'x')).message, 'Your session has expired. Please sign in again.');
  assert.equal(describeError(new ApiError(404, 'NOT_FOUND', 'x'), 'This vehicle').message, 'This vehicle was not found. It may have been deleted.');
  assert.equal(describeError(new ApiError(409, 'CONFLICT', 'A vehicle with this VIN already exists')).message, 'A vehicle with this VIN already exists');
  assert.equal(describeError(new TypeError('boom')).kind, 'unknown');
});

test('the client sends the bearer token, and a 401 signs the user out before the error is thrown', async () => {
  const seen: Array<{ url: string; auth: string | null }> = [];
  let signedOut = 0;
  const api = new Api({
    getToken: async () => 'tok',
    onUnauthorized: () => { signedOut++; },
    fetch: async (url, init) => {
      seen.push({ url: String(url), auth: new Headers(init?.headers).get('authorization') });
      return String(url).includes('expired') ? json(401, { error: { code: 'UNAUTHORIZED', message: 'no' } }) : json(200, { ok: true });
    },
  });
  assert.deepEqual(await api.get('/api/vehicles'), { ok: true });
  await assert.rejects(api.get('/api/expired'), (e: unknown) => e instanceof ApiError && e.status === 401);
  assert.equal(signedOut, 1);
  assert.deepEqual(seen.map((s) => s.auth), ['Bearer tok', 'Bearer tok']);
  const offline = new Api({ getToken: async () => undefined, fetch: async () => { throw new TypeError('Failed to fetch'); } });
  await assert.rejects(offline.get('/api/x'), (e: unknown) => e instanceof ApiError && e.status === 0 && e.code === 'NETWORK_ERROR');
});

test('query strings skip empty values', () => {
  assert.equal(query({ vehicleId: 'a', limit: 200, asOf: undefined, x: null, y: '' }), '?vehicleId=a&limit=200');
  assert.equal(query({}), '');
});

// The contract in the repository: docs/openapi.json is what the routes' schemas produce (else run
// `make openapi`), it is valid OpenAPI 3.1, it documents every native route, and a gateway serves it at
// /docs/openapi.json with the UI at /docs. The validator the parity suite uses is checked to catch what it must.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildOpenApiDocument, committedDocument, documentEnv, formatDocument } from '../src/contract/build-document.ts';
import { ContractValidator } from '../src/contract/openapi-validator.ts';
import { startBackends, type TestEnv } from './support/in-process.ts';
import { buildReplayApp } from '../src/shadow/worker/replay-app.ts';
import { loadConfig } from '../src/config/config.ts';

let env: TestEnv;
let built: unknown;
before(async () => {
  env = await startBackends();
  built = await buildOpenApiDocument(env.env.DATABASE_URL);
});
after(async () => { await env?.close(); });

test('docs/openapi.json is up to date with the routes\' schemas (run `make openapi` when this fails)', async () => {
  assert.ok(formatDocument(built) === await committedDocument(), 'docs/openapi.json is out of date: run `make openapi` and commit it');
});

test('the document is valid OpenAPI 3.1', async () => {
  const validator = new Validator();
  const document: Record<string, unknown> = JSON.parse(formatDocument(built));
  const result = await validator.validate(document);
  assert.equal(validator.version, '3.1');
  assert.deepEqual(result.errors, undefined);
  assert.equal(result.valid, true);
});

test('every native route is documented, with its error responses', () => {
  const doc = built as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  const routes = env.gateways.express.nativeRoutes.filter((r) => r.method !== 'HEAD');
  assert.ok(routes.length > 30);
  for (const r of routes) {
    const path = `/${r.url.split('/').filter(Boolean).join('/')}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op = doc.paths[path]?.[r.method.toLowerCase()];
    assert.ok(op, `${r.method} ${r.url} (feature on express in this gateway) is not in the document`);
    for (const status of ['400', '401', '404', '429', '500', '503']) assert.ok(op.responses[status], `${r.method} ${path} lacks ${status}`);
  }
  for (const path of ['/admin/flags', '/admin/flags/{feature}', '/admin/live', '/admin/shadow', '/health']) assert.ok(doc.paths[path], `${path} is not documented`);
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `node` with every local `$ref` replaced by what it names in `doc`, and no `description` (validation ignores it). */
function resolved(node: Json, doc: Json): Json {
  if (Array.isArray(node)) return node.map((n) => resolved(n, doc));
  if (node === null || typeof node !== 'object') return node;
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    let target: Json = doc;
    for (const key of ref.slice(2).split('/')) target = target !== null && typeof target === 'object' && !Array.isArray(target) ? target[key] : null;
    return resolved(target, doc);
  }
  return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'description').map(([k, v]) => [k, resolved(v, doc)]));
}

test('the shadow replay worker builds the same contract for every capsule route as the gateway serves', async (t) => {
  // The worker checks Express's answers against its own copy (src/shadow/worker/replay-app.ts), built from the
  // same routes and options: the same schemas once shared parts (factored per document) are resolved.
  const app = await buildReplayApp(loadConfig(documentEnv(env.env.DATABASE_URL)));
  t.after(() => app.close());
  const worker: Json = JSON.parse(JSON.stringify(app.swagger()));
  const gateway: Json = JSON.parse(formatDocument(built));
  const paths = (doc: Json) => (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && doc.paths !== null && typeof doc.paths === 'object' && !Array.isArray(doc.paths) ? doc.paths : {});
  const apiPaths = Object.keys(paths(gateway)).filter((p) => p.startsWith('/api/'));
  assert.ok(apiPaths.length >= 10, `the gateway documents ${apiPaths.length} /api paths`);
  assert.deepEqual(Object.keys(paths(worker)).sort(), apiPaths.sort());
  for (const path of apiPaths) assert.deepEqual(resolved(paths(worker)[path], worker), resolved(paths(gateway)[path], gateway), path);
});

test('a gateway serves the document at /docs/openapi.json and the UI at /docs', async () => {
  for (const base of [env.targets.gatewayExpress, env.targets.gatewayFastify]) {
    const json = await fetch(`${base}/docs/openapi.json`);
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await json.json(), JSON.parse(formatDocument(built)));
    const ui = await fetch(`${base}/docs`, { redirect: 'follow' });
    assert.equal(ui.status, 200);
    assert.match(ui.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await ui.text(), /swagger-ui/i);
  }
});

test('the validator names what breaks the document, by field path', () => {
  const v = new ContractValidator(built);
  const ok = { 'x-request-id': 'abc', 'x-backend': 'express', 'content-type': 'application/json; charset=utf-8' };
  const vehicle = {
    id: '0b6c1c8e-6a47-4d59-9a31-3c1f3b1e0f00', vin: null, make: 'Honda', model: 'Accord', year: 2003, nickname: null, color: null,
    licensePlate: null, odometer: 0, hasPhoto: false, createdAt: '2026-02-01T12:00:00.000Z', updatedAt: '2026-02-01T12:00:00.000Z',
  };
  assert.deepEqual(v.violations('GET', '/api/vehicles/:id', 200, ok, vehicle), []);
  const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
  assert.deepEqual(v.violations('GET', '/api/vehicles/{id}', 200, ok, { ...vehicle, year: '2003', extra: 1 }).sort(byPath), [
    { path: 'body.extra', message: 'is not in the document' }, { path: 'body.year', message: 'must be integer' },
  ]);
  assert.deepEqual(v.violations('GET', '/api/vehicles', 200, ok, { items: [{ ...vehicle, id: undefined }], total: 1, limit: 50, offset: 0 }).map((x) => x.path), ['body.items.0.id']);
  assert.deepEqual(v.violations('POST', '/api/vehicles', 201, ok, vehicle), [{ path: 'header.location', message: 'is required' }]);
  assert.deepEqual(v.violations('GET', '/api/vehicles/:id', 200, { 'content-type': 'application/json' }, vehicle).map((x) => x.path), ['header.x-request-id', 'header.x-backend']);
  assert.deepEqual(v.violations('GET', '/api/vehicles/:id', 418, ok, {}).map((x) => x.path), ['status']);
  assert.deepEqual(v.violations('PATCH', '/api/vehicles/:id', 200, ok, vehicle).map((x) => x.path), ['route']);
  assert.deepEqual(v.violations('DELETE', '/api/vehicles/:id', 204, { ...ok, 'content-type': undefined }, undefined), []);
  assert.deepEqual(v.violations('GET', '/api/vehicles/:id', 400, ok, { error: { code: 'NOT_FOUND', message: 'x' } }).map((x) => x.path), ['body.error.code']);
  assert.deepEqual(v.violations('GET', undefined, 404, ok, { error: { code: 'NOT_FOUND', message: 'Route GET /x not found' } }), []);
  assert.deepEqual(v.violations('GET', '/api/vehicles/:id/photo', 200, { ...ok, 'content-type': 'text/html' }, undefined).map((x) => x.path), ['content-type']);
});

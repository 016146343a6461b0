import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { ResponseShapeError, responseSerializerCompiler } from './response-serializer.ts';

const schema = {
  type: 'object',
  properties: { id: { type: 'string' }, odometer: { type: 'number' }, createdAt: { type: 'string' } },
  required: ['id', 'odometer', 'createdAt'],
};
const route = { schema, method: 'GET', url: '/x', httpStatus: '200' };
const good = { id: 'a"b\u2028', odometer: 12.5, createdAt: new Date(0).toISOString() };

test('a body in the schema\'s shape is written as JSON.stringify writes it, checked or not', () => {
  for (const check of [true, false]) {
    assert.equal(responseSerializerCompiler(check)(route)(good), JSON.stringify(good));
  }
});

test('checked, a body the schema would write differently is refused: extra field, wrong type, other order', () => {
  const serialize = responseSerializerCompiler(true)(route);
  const bad = [
    { ...good, userId: 'secret' }, // the schema serialiser would drop it
    { ...good, odometer: '12.5' }, // … coerce it
    { createdAt: good.createdAt, id: good.id, odometer: good.odometer }, // … reorder it
  ];
  for (const body of bad) {
    assert.throws(() => serialize(body), (err: unknown) => err instanceof ResponseShapeError && err.route === 'GET /x 200' && /offset \d+/.test(err.message));
  }
});

test('unchecked (production), the body is JSON.stringify\'s, extra fields included', () => {
  const body = { ...good, userId: 'secret' };
  assert.equal(responseSerializerCompiler(false)(route)(body), JSON.stringify(body));
});

test('through Fastify: a route answering off-schema is a 500 when checked, never a silently different body', async (t) => {
  const app = Fastify();
  t.after(() => app.close());
  app.setSerializerCompiler(responseSerializerCompiler(true));
  app.get('/ok', { schema: { response: { 200: schema } } }, async () => good);
  app.get('/leak', { schema: { response: { 200: schema } } }, async () => ({ ...good, userId: 'secret' }));
  const ok = await app.inject('/ok');
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), good);
  const leak = await app.inject('/leak');
  assert.equal(leak.statusCode, 500); // the gateway's error handler turns it into the contract's INTERNAL_ERROR
  assert.match(leak.json().message, /^GET \/leak 200: response body differs/);
});

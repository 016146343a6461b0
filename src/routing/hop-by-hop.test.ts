import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutHopByHop } from './legacy-proxy.ts';

test('withoutHopByHop drops the connection-scoped headers and those Connection names, keeps the rest', () => {
  const headers = {
    host: 'gw', connection: 'keep-alive, X-Private-Hop', 'keep-alive': 'timeout=5', 'proxy-connection': 'x', te: 'trailers',
    trailer: 'x', 'transfer-encoding': 'chunked', upgrade: 'h2c', expect: '100-continue', 'x-private-hop': 'secret',
    'content-type': 'application/json', 'x-request-id': 'abc',
  };
  assert.deepEqual(withoutHopByHop(headers), { host: 'gw', 'content-type': 'application/json', 'x-request-id': 'abc' });
  assert.equal(headers['x-private-hop'], 'secret', 'the input is not changed');
});

test('withoutHopByHop without a Connection header', () => {
  assert.deepEqual(withoutHopByHop({ 'content-length': '2', 'keep-alive': 'timeout=5' }), { 'content-length': '2' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasTraversalSegment, proxyRefusesPath, toOriginForm } from './request-target.ts';

test('hasTraversalSegment: dot segments, encoded or not, and encoded separators are refused', () => {
  for (const url of ['/api/vehicles/..', '/api/vehicles/../x', '/api/./vehicles', '/api/vehicles/%2e%2E/x', '/api/vehicles/.%2e', '/api/vehicles/a%2Fb', '/api/vehicles/a%5cb', '/api/vehicles/a\\b', '..', './api', '/api/vehicles/..?x=1']) {
    assert.equal(hasTraversalSegment(url), true, url);
  }
});

test('hasTraversalSegment: ordinary paths, dots inside names, queries and undecodable segments pass', () => {
  for (const url of ['/api/vehicles', '/api/vehicles?limit=5', '/api/vehicles/abc.def', '/api/vehicles/.hidden', '/api/vehicles/...', '/api/x?path=/../..', '/api/vehicles/%41', '/api/vehicles/%zz', '/']) {
    assert.equal(hasTraversalSegment(url), false, url);
  }
});

test('toOriginForm: absolute-form targets become origin-form', () => {
  assert.equal(toOriginForm('http://example.com/api/vehicles?limit=1'), '/api/vehicles?limit=1');
  assert.equal(toOriginForm('http://example.com'), '/');
  assert.equal(toOriginForm('/api/x'), '/api/x');
});

test('proxyRefusesPath: what the proxy library will not forward — names starting or ending with two dots, encoded or not; never the query', () => {
  for (const url of ['/api/vehicles/..abc', '/api/vehicles/...', '/api/vehicles/abc../x', '/api/vehicles/%2E%2Eabc', '/api/vehicles/..;/x', '/api/vehicles/..?x=1']) {
    assert.equal(proxyRefusesPath(url), true, url);
  }
  for (const url of ['/api/vehicles', '/api/vehicles/a..b', '/api/vehicles/abc.def', '/api/vehicles?x=../y', '/api/vehicles/%zz..', '/']) {
    assert.equal(proxyRefusesPath(url), false, url);
  }
});

// Unit tests of the shadow comparison engine: field paths, arrays by index or id, content type, binary bodies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ABSENT, compareAnswers, fieldPattern, sha256, type Captured } from '../../src/shadow/compare.ts';

const json = (value: unknown, status = 200, contentType = 'application/json; charset=utf-8'): Captured =>
  ({ status, contentType, body: Buffer.from(JSON.stringify(value)) });

test('identical JSON answers are equal, whatever the key order and the content-type spelling', () => {
  const r = compareAnswers(json({ a: 1, b: [1, { c: 'x' }] }), json({ b: [1, { c: 'x' }], a: 1 }, 200, 'Application/JSON;charset=UTF-8'));
  assert.deepEqual(r, { equal: true, diffs: [], truncated: false });
});

test('differing fields are reported as paths, arrays by index', () => {
  const e = { items: [{ id: 'a', mpg: 30 }, { id: 'b', mpg: 31 }, { id: 'c', mpg: 32 }, { id: 'd', mpg: 33 }], total: 4 };
  const n = structuredClone(e);
  n.items[3].mpg = 34;
  const r = compareAnswers(json(e), json(n));
  assert.deepEqual(r.diffs, [{ path: 'items[3].mpg', express: 33, native: 34 }]);
});

test('missing and extra fields, null against a value, and type changes', () => {
  const r = compareAnswers(json({ a: 1, b: null, c: '1', d: [1] }), json({ b: 0, c: 1, d: { 0: 1 }, e: true }));
  assert.deepEqual(r.diffs, [
    { path: 'a', express: 1, native: ABSENT },
    { path: 'b', express: null, native: 0 },
    { path: 'c', express: '1', native: 1 },
    { path: 'd', express: [1], native: { 0: 1 } },
    { path: 'e', express: ABSENT, native: true },
  ]);
});

test('keys that are not identifiers are quoted; the JSON root is $', () => {
  assert.deepEqual(compareAnswers(json({ 'a b': { 'x-y': 1 } }), json({ 'a b': { 'x-y': 2 } })).diffs,
    [{ path: '$["a b"]["x-y"]', express: 1, native: 2 }]);
  assert.deepEqual(compareAnswers(json([1, 2]), json([1])).diffs, [{ path: '$[1]', express: 2, native: ABSENT }]);
  assert.deepEqual(compareAnswers(json(1), json('1')).diffs, [{ path: '$', express: 1, native: '1' }]);
});

test('matchById pairs list items by id, so a reordering is no difference', () => {
  const e = { items: [{ id: 'a', n: 1 }, { id: 'b', n: 2 }] };
  const n = { items: [{ id: 'b', n: 2 }, { id: 'a', n: 9 }, { id: 'c', n: 3 }] };
  assert.deepEqual(compareAnswers(json(e), json(n), { matchById: true }).diffs, [
    { path: 'items[id=a].n', express: 1, native: 9 },
    { path: 'items[id=c]', express: ABSENT, native: { id: 'c', n: 3 } },
  ]);
  assert.equal(compareAnswers(json(e), json(n)).diffs.length, 5); // by index: everything shifted
});

test('status and content type are compared; other headers are not part of a capture', () => {
  const r = compareAnswers(json({ error: 1 }, 404), json({ error: 1 }, 400, 'text/html'));
  assert.deepEqual(r.diffs.map((d) => d.path), ['status', 'content-type']); // same bytes
  const r2 = compareAnswers(json({ error: 1 }), json({ error: 2 }, 200, 'text/html'));
  assert.deepEqual(r2.diffs.map((d) => d.path), ['content-type', 'body.sha256']);
});

test('binary bodies are compared by length, then SHA-256', () => {
  const png = (bytes: number[]): Captured => ({ status: 200, contentType: 'image/png', body: Buffer.from(bytes) });
  assert.equal(compareAnswers(png([1, 2, 3]), png([1, 2, 3])).equal, true);
  assert.deepEqual(compareAnswers(png([1, 2, 3]), png([1, 2])).diffs, [{ path: 'body.length', express: 3, native: 2 }]);
  assert.deepEqual(compareAnswers(png([1, 2, 3]), png([1, 2, 4])).diffs,
    [{ path: 'body.sha256', express: sha256(Buffer.from([1, 2, 3])), native: sha256(Buffer.from([1, 2, 4])) }]);
});

test('empty bodies (HEAD, 204) are equal; malformed JSON falls back to bytes', () => {
  const empty = (status: number): Captured => ({ status, contentType: 'application/json; charset=utf-8', body: Buffer.alloc(0) });
  assert.equal(compareAnswers(empty(200), empty(200)).equal, true);
  const bad: Captured = { status: 200, contentType: 'application/json; charset=utf-8', body: Buffer.from('{oops') };
  assert.deepEqual(compareAnswers(bad, json({})).diffs.map((d) => d.path), ['body.length']);
});

test('the number of reported paths is capped', () => {
  const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`f${i}`, i]));
  const r = compareAnswers(json(many), json({}), { maxDiffs: 10 });
  assert.equal(r.diffs.length, 10);
  assert.equal(r.truncated, true);
});

test('field patterns fold list positions and ids', () => {
  assert.equal(fieldPattern('items[3].mpg'), 'items[].mpg');
  assert.equal(fieldPattern('items[id=ab-1].tags[0]'), 'items[].tags[]');
  assert.equal(fieldPattern('$["a b"].x'), '$["a b"].x');
});

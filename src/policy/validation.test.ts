import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileValidator } from './validation.ts';

/** The first error the last call reported (read through a call, so no narrowing carries over). */
const firstError = (validate: ReturnType<typeof compileValidator>) => validate.errors?.[0];

const schema = {
  type: 'object',
  properties: { notes: { type: 'string' }, parts: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } },
};

test('a NUL character anywhere fails validation with the JSON pointer of its field', () => {
  const validate = compileValidator(schema, 'body');
  assert.equal(validate({ notes: 'fine', parts: [{ name: 'ok' }] }), true);
  assert.equal(firstError(validate), undefined);
  assert.equal(validate({ notes: 'fine', parts: [{ name: 'ok' }, { name: 'bad\u0000' }] }), false);
  assert.equal(firstError(validate)?.instancePath, '/parts/1/name');
  assert.equal(firstError(validate)?.keyword, 'nul');
  assert.equal(validate({ notes: '\u0000' }), false);
  assert.equal(firstError(validate)?.instancePath, '/notes');
});

test('query strings are checked the same way (null-prototype objects included)', () => {
  const validate = compileValidator({ type: 'object', properties: { q: { type: 'string' } } }, 'querystring');
  const query = Object.assign(Object.create(null), { q: 'a\u0000' });
  assert.equal(validate(query), false);
  assert.equal(firstError(validate)?.instancePath, '/q');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { named, statementName } from './prepared.ts';

test('a statement\'s name is derived from its text: the same text the same name, another text another', () => {
  const list = 'SELECT id FROM vehicles WHERE user_id = $1';
  const name = statementName(list);
  assert.match(name, /^s[\w-]{20}$/);
  assert.equal(statementName(`SELECT id FROM vehicles WHERE user_id = ${'$1'}`), name, 'built at run time, same text');
  assert.notEqual(statementName(`${list} FOR UPDATE`), name, 'a variant gets its own name');
  assert.notEqual(statementName(`${list} `), name, 'even by one character');
  assert.deepEqual(named({ text: list, values: ['u1'] }), { name, text: list, values: ['u1'] });
});

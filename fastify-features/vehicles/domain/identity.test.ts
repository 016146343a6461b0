import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VinDecode } from '../model.ts';
import { fillFromDecode, missingIdentity } from './identity.ts';

const decode: VinDecode = {
  vin: '1HGCM82633A004352', make: 'HONDA', model: 'Accord', year: 2003, trim: 'EX-V6', bodyClass: 'Coupe',
  fuelType: 'Gasoline', engineCylinders: 6, displacementL: 3, manufacturer: 'AMERICAN HONDA MOTOR CO., INC.',
};

test('missingIdentity lists the absent fields in contract order', () => {
  assert.deepEqual(missingIdentity({}), ['make', 'model', 'year']);
  assert.deepEqual(missingIdentity({ model: 'Civic' }), ['make', 'year']);
  assert.deepEqual(missingIdentity({ make: 'A', model: 'B', year: 2000 }), []);
});

test('fillFromDecode fills only the missing fields', () => {
  assert.deepEqual(fillFromDecode({}, decode, 2027), { make: 'HONDA', model: 'Accord', year: 2003 });
  // caller's make and year win, model comes from the decode
  assert.deepEqual(fillFromDecode({ make: 'Honda', year: 2004 }, decode, 2027), { make: 'Honda', model: 'Accord', year: 2004 });
});

test('fillFromDecode is null when a needed field stays unknown', () => {
  const noModel = { ...decode, model: null };
  assert.equal(fillFromDecode({}, noModel, 2027), null);
  // ...but a model the caller gave makes the same decode sufficient
  assert.deepEqual(fillFromDecode({ model: 'MDX' }, noModel, 2027), { make: 'HONDA', model: 'MDX', year: 2003 });
});

test('fillFromDecode is null when a decoded value breaks the field bounds', () => {
  assert.equal(fillFromDecode({}, { ...decode, year: 2028 }, 2027), null); // 2028 > max 2027
  assert.equal(fillFromDecode({}, { ...decode, year: 1899 }, 2027), null); // 1899 < 1900
  assert.equal(fillFromDecode({}, { ...decode, make: 'M'.repeat(51) }, 2027), null); // 51 > 50 chars
  assert.deepEqual(fillFromDecode({}, { ...decode, year: 2027 }, 2027), { make: 'HONDA', model: 'Accord', year: 2027 });
});

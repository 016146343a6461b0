import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundDecimal, toVinDecode, vpicResultOf } from './decode.ts';

// The fields the mapping reads, as in the recorded clean decode of 1HGCM82633A004352.
const clean = {
  Make: 'HONDA', Model: 'Accord', ModelYear: '2003', Trim: 'EX-V6', BodyClass: 'Coupe',
  FuelTypePrimary: 'Gasoline', EngineCylinders: '6', DisplacementL: '2.998832712',
  Manufacturer: 'AMERICAN HONDA MOTOR CO., INC.', ErrorCode: '0', VIN: '1HGCM82633A004352',
};

test('toVinDecode maps a clean decode, rounding displacement to 1 decimal', () => {
  // 2.998832712 L → ×10 = 29.98832712 → round = 30 → ÷10 = 3.0 (JSON 3)
  assert.deepEqual(toVinDecode('1HGCM82633A004352', clean), {
    vin: '1HGCM82633A004352', make: 'HONDA', model: 'Accord', year: 2003, trim: 'EX-V6', bodyClass: 'Coupe',
    fuelType: 'Gasoline', engineCylinders: 6, displacementL: 3, manufacturer: 'AMERICAN HONDA MOTOR CO., INC.',
  });
});

test('toVinDecode turns empty strings and missing keys into null and keeps the asked VIN', () => {
  // A partial decode: only Make and ModelYear known, vPIC echoing some other VIN.
  const partial = { Make: 'ACURA', Model: '', ModelYear: '2011', Trim: '', BodyClass: '', EngineCylinders: '',
    DisplacementL: '', Manufacturer: '', VIN: 'SOMETHINGELSE' };
  assert.deepEqual(toVinDecode('19UUA8F2XBA000000', partial), {
    vin: '19UUA8F2XBA000000', make: 'ACURA', model: null, year: 2011, trim: null, bodyClass: null,
    fuelType: null, engineCylinders: null, displacementL: null, manufacturer: null,
  });
});

test('toVinDecode: non-numeric or fractional integers become null, whitespace is trimmed', () => {
  const d = toVinDecode('1HGCM82633A004352', { Make: '  FORD ', ModelYear: 'n/a', EngineCylinders: '4.5', DisplacementL: 'abc' });
  assert.equal(d.make, 'FORD');
  assert.equal(d.year, null);
  assert.equal(d.engineCylinders, null);
  assert.equal(d.displacementL, null);
});

test('roundDecimal rounds half up on the decimal value', () => {
  assert.equal(roundDecimal(1.15, 1), 1.2); // 1.15 × 10 in binary is 11.4999…; the decimal shift gives 11.5 → 12 → 1.2
  assert.equal(roundDecimal(1.649, 1), 1.6); // 16.49 → 16 → 1.6
  assert.equal(roundDecimal(5.7, 1), 5.7);
  assert.equal(roundDecimal(1.25, 1), 1.3); // 12.5 → 13 → 1.3
});

test('vpicResultOf takes Results[0] and refuses other shapes', () => {
  assert.deepEqual(vpicResultOf({ Count: 1, Results: [{ Make: 'X' }] }), { Make: 'X' });
  assert.equal(vpicResultOf({ Count: 0, Results: [] }), null);
  assert.equal(vpicResultOf({ Message: 'error' }), null);
  assert.equal(vpicResultOf(null), null);
  assert.equal(vpicResultOf('<html>'), null);
  assert.equal(vpicResultOf({ Results: ['x'] }), null);
});

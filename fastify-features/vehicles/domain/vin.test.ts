import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../src/policy/errors.ts';
import { normalizeVin, parseVin } from './vin.ts';

const isVinError = (err: unknown) =>
  err instanceof AppError && err.status === 400 && err.details?.[0]?.field === 'vin';

test('normalizeVin trims and uppercases', () => {
  assert.equal(normalizeVin('  1hgcm82633a004352\t'), '1HGCM82633A004352');
});

test('parseVin accepts 17 characters of the VIN alphabet after normalising', () => {
  assert.equal(parseVin(' 1hgcm82633a004352 '), '1HGCM82633A004352');
  assert.equal(parseVin('ABCDEFGHJKLMNPRST'), 'ABCDEFGHJKLMNPRST'); // every letter except I, O, Q
});

test('parseVin rejects I, O and Q, wrong lengths and other characters on field vin', () => {
  for (const bad of ['1HGCM82633A00435I', '1HGCM82633A00435O', '1HGCM82633A00435Q', '1HGCM82633A00435',
    '1HGCM82633A0043521', '1HGCM82633A00435-', '', '                 ']) {
    assert.throws(() => parseVin(bad), isVinError, bad);
  }
});

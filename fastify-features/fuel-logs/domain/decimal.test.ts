import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTotalCost, divRound, hasAtMostDecimals, toScaled } from './decimal.ts';

test('toScaled turns decimals into exact integers', () => {
  assert.equal(toScaled(12.345, 3), 12345);
  assert.equal(toScaled(0.1, 3), 100); // 0.1 × 1000 = 100.00000000000001 in floats → 100
  assert.equal(toScaled(19.99, 2), 1999);
});

test('hasAtMostDecimals ignores float noise but catches a real extra digit', () => {
  assert.equal(hasAtMostDecimals(0.1, 3), true);
  assert.equal(hasAtMostDecimals(12.345, 3), true);
  assert.equal(hasAtMostDecimals(999.999, 3), true);
  assert.equal(hasAtMostDecimals(12.3456, 3), false);
  assert.equal(hasAtMostDecimals(0.0001, 3), false);
  assert.equal(hasAtMostDecimals(10.01, 2), true);
  assert.equal(hasAtMostDecimals(10.001, 2), false);
  assert.equal(hasAtMostDecimals(42, 0), true);
});

test('divRound rounds half up exactly', () => {
  // 300 / 11 = 27.2727… → 27.27
  assert.equal(divRound(300, 11, 2), 27.27);
  // 1 / 8 = 0.125 → exactly half at 2 decimals → 0.13 (half up)
  assert.equal(divRound(1, 8, 2), 0.13);
  // 2 / 3 = 0.6666… → 0.667 at 3 decimals
  assert.equal(divRound(2, 3, 3), 0.667);
  // 10 / 5 = 2 → 2 (no trailing noise)
  assert.equal(divRound(10, 5, 2), 2);
  assert.equal(divRound(0, 7, 2), 0);
});

test('defaultTotalCost is gallons × price rounded to cents', () => {
  // 10.5 × 3.499 = 36.7395 → 36.74
  assert.equal(defaultTotalCost(10.5, 3.499), 36.74);
  // 1.005 × 1 = 1.005 → exactly half a cent → 1.01 (a float multiply would give 1.00499… → 1.00)
  assert.equal(defaultTotalCost(1.005, 1), 1.01);
  // 12.345 × 2.999 = 37.022655 → 37.02
  assert.equal(defaultTotalCost(12.345, 2.999), 37.02);
  // 1000 × 100 = 100000
  assert.equal(defaultTotalCost(1000, 100), 100000);
  // 0.001 × 0.001 = 0.000001 → 0.00
  assert.equal(defaultTotalCost(0.001, 0.001), 0);
});

test('hasAtMostDecimals is exact: values a NUMERIC(…,3) column would round are refused', () => {
  for (const v of [5e-324, 1e-10, 1.0000000001, 0.0005, 999.9991]) assert.equal(hasAtMostDecimals(v, 3), false, String(v));
  for (const v of [0.001, 1e-3, 1e21, 0.29, 100]) assert.equal(hasAtMostDecimals(v, 3), true, String(v));
});

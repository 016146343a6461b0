import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyIntervalPatch, hasAtMostTwoDecimals, hasInterval, recordInputProblem, serviceDateProblem } from './rules.ts';

test('a service date may be at most today + 1 day (UTC)', () => {
  assert.equal(serviceDateProblem('2026-02-01', '2026-02-01'), null); // today
  assert.equal(serviceDateProblem('2026-02-02', '2026-02-01'), null); // today + 1
  assert.equal(serviceDateProblem('2026-02-03', '2026-02-01'), 'must not be after 2026-02-02');
  assert.equal(serviceDateProblem('2026-01-01', '2025-12-31'), null); // + 1 crosses the year
  assert.equal(serviceDateProblem('2026-01-02', '2025-12-31'), 'must not be after 2026-01-01');
  assert.equal(serviceDateProblem('2024-03-01', '2024-02-28'), 'must not be after 2024-02-29'); // leap day
});

test('a service date may not be before 1900-01-01', () => {
  assert.equal(serviceDateProblem('1900-01-01', '2026-02-01'), null);
  assert.equal(serviceDateProblem('1899-12-31', '2026-02-01'), 'must not be before 1900-01-01');
  assert.equal(serviceDateProblem('0000-01-01', '2026-02-01'), 'must not be before 1900-01-01');
});

test('a schedule needs at least one interval', () => {
  assert.equal(hasInterval({ intervalMiles: 5000, intervalMonths: null }), true);
  assert.equal(hasInterval({ intervalMiles: null, intervalMonths: 6 }), true);
  assert.equal(hasInterval({ intervalMiles: 5000, intervalMonths: 6 }), true);
  assert.equal(hasInterval({ intervalMiles: null, intervalMonths: null }), false);
});

test('an interval patch keeps absent keys and clears null ones', () => {
  const current = { intervalMiles: 5000, intervalMonths: 6 };
  assert.deepEqual(applyIntervalPatch(current, {}), { intervalMiles: 5000, intervalMonths: 6 });
  assert.deepEqual(applyIntervalPatch(current, { intervalMiles: null }), { intervalMiles: null, intervalMonths: 6 });
  assert.deepEqual(applyIntervalPatch(current, { intervalMonths: 12 }), { intervalMiles: 5000, intervalMonths: 12 });
  assert.equal(hasInterval(applyIntervalPatch({ intervalMiles: null, intervalMonths: 6 }, { intervalMonths: null })), false);
});

test('money has at most two decimals, float noise aside', () => {
  assert.equal(hasAtMostTwoDecimals(12), true);
  assert.equal(hasAtMostTwoDecimals(0.29), true); // 0.29 × 100 = 28.999999999999996 in binary floating point
  assert.equal(hasAtMostTwoDecimals(1234567.89), true);
  assert.equal(hasAtMostTwoDecimals(12.345), false);
  assert.equal(hasAtMostTwoDecimals(0.001), false);
});

test('record input problems are reported in body order: date, then cost', () => {
  const today = '2026-02-01';
  assert.equal(recordInputProblem({ date: '2026-02-01', cost: 49.99 }, today), null);
  assert.equal(recordInputProblem({ cost: null }, today), null);
  assert.deepEqual(recordInputProblem({ date: '2026-02-05', cost: 1.234 }, today), { field: 'date', message: 'must not be after 2026-02-02' });
  assert.deepEqual(recordInputProblem({ date: '2026-01-01', cost: 1.234 }, today), { field: 'cost', message: 'must have at most 2 decimal places' });
});

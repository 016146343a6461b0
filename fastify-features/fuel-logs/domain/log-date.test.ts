import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latestAllowedLogDate, logDateProblem } from './log-date.ts';
import { inputProblem } from './input-rules.ts';

test('latest allowed date is tomorrow in UTC', () => {
  assert.equal(latestAllowedLogDate(new Date('2026-02-01T12:00:00.000Z')), '2026-02-02');
  // 23:30 UTC on the last day of a month rolls over the month and year
  assert.equal(latestAllowedLogDate(new Date('2025-12-31T23:30:00.000Z')), '2026-01-01');
  // leap year: 28 Feb + 1 = 29 Feb
  assert.equal(latestAllowedLogDate(new Date('2028-02-28T00:00:00.000Z')), '2028-02-29');
});

test('logDateProblem accepts up to tomorrow and back to 1900', () => {
  const now = new Date('2026-02-01T12:00:00.000Z');
  assert.equal(logDateProblem('2026-02-02', now), null);
  assert.equal(logDateProblem('2026-02-01', now), null);
  assert.equal(logDateProblem('1900-01-01', now), null);
  assert.equal(logDateProblem('2026-02-03', now), 'must not be after 2026-02-02');
  assert.equal(logDateProblem('1899-12-31', now), 'must not be before 1900-01-01');
});

test('inputProblem reports the first broken rule with its field', () => {
  const now = new Date('2026-02-01T12:00:00.000Z');
  assert.equal(inputProblem({ date: '2026-01-01', gallons: 1.5, pricePerGallon: 3.459, totalCost: 5.19 }, now), null);
  assert.deepEqual(inputProblem({ gallons: 1.2345 }, now), { field: 'gallons', message: 'must have at most 3 decimal places' });
  assert.deepEqual(inputProblem({ pricePerGallon: 3.4599 }, now), { field: 'pricePerGallon', message: 'must have at most 3 decimal places' });
  assert.deepEqual(inputProblem({ totalCost: 5.199 }, now), { field: 'totalCost', message: 'must have at most 2 decimal places' });
  assert.deepEqual(inputProblem({ date: '2030-01-01', gallons: 1.2345 }, now), { field: 'date', message: 'must not be after 2026-02-02' });
  assert.equal(inputProblem({}, now), null);
});

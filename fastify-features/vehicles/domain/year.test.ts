import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../src/policy/errors.ts';
import { checkModelYear, maxModelYear } from './year.ts';

test('maxModelYear is next year in UTC', () => {
  // 2026-12-31T23:30 in New York is already 2027-01-01T04:30Z → UTC year 2027 → max 2028.
  assert.equal(maxModelYear(new Date('2027-01-01T04:30:00.000Z')), 2028);
  assert.equal(maxModelYear(new Date('2026-06-15T00:00:00.000Z')), 2027);
});

test('checkModelYear allows up to next year and rejects one more on field year', () => {
  const now = new Date('2026-06-15T00:00:00.000Z'); // max = 2026 + 1 = 2027
  checkModelYear(2027, now);
  checkModelYear(undefined, now);
  assert.throws(() => checkModelYear(2028, now), (err: unknown) =>
    err instanceof AppError && err.status === 400 &&
    JSON.stringify(err.details) === JSON.stringify([{ field: 'year', message: 'must be <= 2027' }]));
});

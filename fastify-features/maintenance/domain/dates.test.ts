import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, addMonths, daysBetween, daysInMonth, formatDate, fromDayNumber, parseDate, toDayNumber, utcToday } from './dates.ts';

test('addMonths moves the calendar month and keeps the day', () => {
  assert.equal(addMonths('2025-11-15', 3), '2026-02-15'); // Nov + 3 = month 14 = Feb of the next year
  assert.equal(addMonths('2025-01-10', 0), '2025-01-10');
  assert.equal(addMonths('2025-12-31', 120), '2035-12-31'); // 120 months = exactly 10 years
  assert.equal(addMonths('2025-01-01', 12), '2026-01-01');
});

test('addMonths clamps to the last day of a shorter month', () => {
  assert.equal(addMonths('2026-01-31', 1), '2026-02-28'); // 2026 is not a leap year: Feb has 28 days
  assert.equal(addMonths('2024-01-31', 1), '2024-02-29'); // 2024 is a leap year
  assert.equal(addMonths('2025-03-31', 1), '2025-04-30'); // April has 30 days
  assert.equal(addMonths('2025-08-31', 6), '2026-02-28'); // Aug + 6 = Feb 2026
  assert.equal(addMonths('2024-02-29', 12), '2025-02-28'); // leap day + 1 year
  assert.equal(addMonths('2100-01-29', 1), '2100-02-28'); // 2100 is divisible by 100, not by 400: no leap day
  assert.equal(addMonths('2000-01-29', 1), '2000-02-29'); // 2000 is divisible by 400: leap
});

test('daysInMonth knows the leap-year rules', () => {
  assert.equal(daysInMonth(2026, 2), 28);
  assert.equal(daysInMonth(2024, 2), 29);
  assert.equal(daysInMonth(1900, 2), 28);
  assert.equal(daysInMonth(2000, 2), 29);
  assert.equal(daysInMonth(2026, 4), 30);
  assert.equal(daysInMonth(2026, 12), 31);
});

test('toDayNumber counts days from 1970-01-01', () => {
  assert.equal(toDayNumber('1970-01-01'), 0);
  assert.equal(toDayNumber('1970-01-02'), 1);
  assert.equal(toDayNumber('1969-12-31'), -1);
  // 2000-01-01: 30 years × 365 = 10950 days + 7 leap days (1972..1996) = 10957; + 31 (Jan) + 29 (Feb) = 11017
  assert.equal(toDayNumber('2000-03-01'), 11017);
});

test('fromDayNumber inverts toDayNumber and agrees with Date over 1900..2100', () => {
  assert.equal(fromDayNumber(11017), '2000-03-01');
  assert.equal(fromDayNumber(-1), '1969-12-31');
  for (let n = toDayNumber('1900-01-01'); n <= toDayNumber('2100-12-31'); n += 7) {
    const expected = new Date(n * 86_400_000).toISOString().slice(0, 10);
    assert.equal(fromDayNumber(n), expected);
    assert.equal(toDayNumber(expected), n);
  }
});

test('daysBetween is signed and counts leap days', () => {
  assert.equal(daysBetween('2026-01-01', '2026-03-01'), 59); // 31 (Jan) + 28 (Feb)
  assert.equal(daysBetween('2024-01-01', '2024-03-01'), 60); // 31 + 29
  assert.equal(daysBetween('2026-03-01', '2026-01-01'), -59);
  assert.equal(daysBetween('2026-03-20', '2026-04-15'), 26); // 11 days left in March + 15
  assert.equal(daysBetween('2025-12-31', '2026-12-31'), 365);
});

test('addDays crosses month and year ends', () => {
  assert.equal(addDays('2025-12-31', 1), '2026-01-01');
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
});

test('parse/format keep four-digit years and two-digit months and days', () => {
  assert.deepEqual(parseDate('0999-02-03'), { year: 999, month: 2, day: 3 });
  assert.equal(formatDate({ year: 999, month: 2, day: 3 }), '0999-02-03');
  assert.throws(() => parseDate('2026-1-1'));
});

test('utcToday takes the UTC calendar date, not the local one', () => {
  // 23:59:59.999 at UTC-5 is 04:59:59.999 the next day in UTC
  assert.equal(utcToday(new Date('2026-02-01T23:59:59.999-05:00')), '2026-02-02');
  assert.equal(utcToday(new Date('2026-02-01T00:00:00.000Z')), '2026-02-01');
});

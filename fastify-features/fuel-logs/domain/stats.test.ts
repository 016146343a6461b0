import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeStats, type StatsLog } from './stats.ts';

const log = (date: string, odometer: number, gallons: number, totalCost: number, fullTank = true): StatsLog =>
  ({ date, odometer, gallons, totalCost, fullTank });

test('no logs', () => {
  assert.deepEqual(computeStats([]), {
    logCount: 0, totalGallons: 0, totalCost: 0, distance: 0, averageMpg: null, costPerMile: null, lastFillUpDate: null,
  });
});

test('one log: no distance, no mpg, no cost per mile', () => {
  assert.deepEqual(computeStats([log('2026-01-05', 1000, 10.5, 36.74)]), {
    logCount: 1, totalGallons: 10.5, totalCost: 36.74, distance: 0, averageMpg: null, costPerMile: null, lastFillUpDate: '2026-01-05',
  });
});

test('worked example with a partial fill and a leading partial', () => {
  const stats = computeStats([
    log('2026-01-01', 900, 3.333, 10.01, false), // before the first full tank
    log('2026-01-03', 1000, 12, 40),
    log('2026-01-10', 1150, 4.5, 15.3, false),
    log('2026-01-20', 1400, 8.25, 28.05),
  ]);
  assert.deepEqual(stats, {
    logCount: 4,
    // 3.333 + 12 + 4.5 + 8.25 = 28.083
    totalGallons: 28.083,
    // 10.01 + 40 + 15.30 + 28.05 = 93.36
    totalCost: 93.36,
    // 1400 − 900
    distance: 500,
    // first full 1000, last full 1400; gallons with 1000 < odo ≤ 1400 = 4.5 + 8.25 = 12.75; 400 / 12.75 = 31.37
    averageMpg: 31.37,
    // 93.36 / 500 = 0.18672 → 0.187
    costPerMile: 0.187,
    lastFillUpDate: '2026-01-20',
  });
});

test('float sums stay exact: 0.1 + 0.2 gallons, 0.1 + 0.2 dollars', () => {
  const stats = computeStats([log('2026-01-01', 0, 0.1, 0.1), log('2026-01-02', 10, 0.2, 0.2)]);
  assert.equal(stats.totalGallons, 0.3);
  assert.equal(stats.totalCost, 0.3);
  // 10 / 0.2 = 50
  assert.equal(stats.averageMpg, 50);
  // 0.30 / 10 = 0.03
  assert.equal(stats.costPerMile, 0.03);
});

test('lastFillUpDate is the latest date, not the highest odometer', () => {
  const stats = computeStats([log('2026-03-01', 100, 1, 1), log('2026-02-01', 200, 1, 1)]);
  assert.equal(stats.lastFillUpDate, '2026-03-01');
});

test('two full tanks at the same odometer give no averageMpg', () => {
  const stats = computeStats([log('2026-01-01', 500, 5, 10), log('2026-01-02', 500, 6, 12)]);
  assert.equal(stats.averageMpg, null);
  assert.equal(stats.distance, 0);
  assert.equal(stats.costPerMile, null);
});

test('costPerMile rounds half up at 3 decimals', () => {
  // totalCost 1.00 over 16 miles = 0.0625 → 0.063
  const stats = computeStats([log('2026-01-01', 0, 1, 0.5, false), log('2026-01-02', 16, 1, 0.5, false)]);
  assert.equal(stats.costPerMile, 0.063);
  assert.equal(stats.averageMpg, null); // no full tanks
});

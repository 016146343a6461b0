import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMpgById, type MpgLog } from './mpg.ts';

const log = (id: string, odometer: number, gallons: number, fullTank = true): MpgLog => ({ id, odometer, gallons, fullTank });

test('first full tank has no mpg; the next one divides distance by gallons since', () => {
  const mpg = computeMpgById([log('a', 1000, 10), log('b', 1300, 10)]);
  assert.equal(mpg.get('a'), null);
  // (1300 − 1000) / 10 = 30
  assert.equal(mpg.get('b'), 30);
});

test('partial fills in between count towards the gallons and have no mpg themselves', () => {
  const mpg = computeMpgById([
    log('a', 1000, 12),
    log('b', 1150, 4.5, false),
    log('c', 1400, 8.25),
  ]);
  assert.equal(mpg.get('a'), null);
  assert.equal(mpg.get('b'), null);
  // P = a (1000); gallons of logs with 1000 < odo ≤ 1400 = 4.5 + 8.25 = 12.75; 400 / 12.75 = 31.372… → 31.37
  assert.equal(mpg.get('c'), 31.37);
});

test('input order does not matter (sorted by odometer)', () => {
  const mpg = computeMpgById([log('c', 1400, 8.25), log('a', 1000, 12), log('b', 1150, 4.5, false)]);
  assert.equal(mpg.get('c'), 31.37);
});

test('P is the latest full tank below, not the first', () => {
  const mpg = computeMpgById([log('a', 0, 10), log('b', 250, 10), log('c', 600, 7)]);
  // b: 250 / 10 = 25;  c: (600 − 250) / 7 = 50
  assert.equal(mpg.get('b'), 25);
  assert.equal(mpg.get('c'), 50);
});

test('a partial fill before any full tank does not count', () => {
  const mpg = computeMpgById([log('x', 900, 5, false), log('a', 1000, 10), log('b', 1200, 8)]);
  // b: (1200 − 1000) / 8 = 25 (x is below P, excluded)
  assert.equal(mpg.get('b'), 25);
  assert.equal(mpg.get('x'), null);
});

test('two logs at the same odometer: neither is the other\'s P, both count towards the next', () => {
  const mpg = computeMpgById([log('a', 1000, 10), log('b', 1300, 6), log('c', 1300, 4)]);
  // P for b and c = a; gallons with 1000 < odo ≤ 1300 = 6 + 4 = 10 → 300 / 10 = 30 for both
  assert.equal(mpg.get('b'), 30);
  assert.equal(mpg.get('c'), 30);
  const next = computeMpgById([log('a', 1000, 10), log('b', 1300, 6), log('c', 1300, 4), log('d', 1500, 5)]);
  // P for d = the 1300 group; gallons with 1300 < odo ≤ 1500 = 5 → 200 / 5 = 40
  assert.equal(next.get('d'), 40);
});

test('rounding is half up to 2 decimals on exact gallons', () => {
  // 100 / 3 = 33.333… → 33.33
  assert.equal(computeMpgById([log('a', 0, 1), log('b', 100, 3)]).get('b'), 33.33);
  // 1 mile / 0.008 gal = 125
  assert.equal(computeMpgById([log('a', 0, 1), log('b', 1, 0.008)]).get('b'), 125);
  // 301 / 8 = 37.625 → 37.63 (half up)
  assert.equal(computeMpgById([log('a', 0, 1), log('b', 301, 8)]).get('b'), 37.63);
  // 0.1 + 0.2 gallons is 0.3 exactly here (thousandths): 3 / 0.3 = 10
  assert.equal(computeMpgById([log('a', 0, 1), log('p', 1, 0.1, false), log('b', 3, 0.2)]).get('b'), 10);
});

test('no logs, one log, only partial fills', () => {
  assert.equal(computeMpgById([]).size, 0);
  assert.equal(computeMpgById([log('a', 5, 1)]).get('a'), null);
  const partial = computeMpgById([log('a', 5, 1, false), log('b', 10, 1, false)]);
  assert.deepEqual([...partial.values()], [null, null]);
});

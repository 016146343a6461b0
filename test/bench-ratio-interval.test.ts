// The bench's uncertainty of a latency ratio (benchmarks/ratio-interval.ts): resampled rounds, paired.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { perRoundRatio, ratioIntervals } from '../benchmarks/ratio-interval.ts';

/** A round of `n` latencies spread evenly over [low, high] ms. */
const round = (n: number, low: number, high: number) => Float64Array.from({ length: n }, (_, i) => low + ((high - low) * i) / (n - 1));

test('a stage twice as slow in every round has the interval [2, 2]; the same stage has one around 1', () => {
  const base = Array.from({ length: 20 }, (_, r) => round(200, 1 + r / 20, 5 + r / 10));
  const slow = base.map((xs) => xs.map((x) => x * 2));
  assert.deepEqual(ratioIntervals(slow, base, 200), { p50: [2, 2], p99: [2, 2] });
  const same = ratioIntervals(base, base, 200);
  assert.deepEqual(same, { p50: [1, 1], p99: [1, 1] });
});

test('one bad round widens the p99 interval instead of moving a single figure', () => {
  const base = Array.from({ length: 30 }, () => round(200, 1, 4));
  const stage = base.map((xs, r) => (r === 7 ? xs.map((x) => x * 5) : xs));
  const { p99 } = ratioIntervals(stage, base, 400);
  assert.equal(p99[0], 1); // about a third of the resamples leave round 7 out: the ratio is exactly 1 there
  assert.ok(p99[1] > 1.5, `upper bound ${p99[1]}`); // the others hold its 200 slow requests, over the pooled 60th worst
});

test('stages with different rounds cannot be paired', () => {
  assert.throws(() => ratioIntervals([round(10, 1, 2)], []), /same, non-zero number of rounds/);
});

test('per round: the geometric mean of each round\'s ratio, so one slow round weighs as one round', () => {
  assert.equal(perRoundRatio([2, 4, 8], [1, 2, 4]), 2);
  assert.equal(perRoundRatio([1, 1, 1, 1], [1, 1, 1, 1]), 1);
  // A fivefold round among nine equal ones: 5^(1/10) = 1.17, where a pooled p99 would read the slow round.
  assert.equal(perRoundRatio([5, 1, 1, 1, 1, 1, 1, 1, 1, 1], Array(10).fill(1)), 1.17);
  // Halved in one round and doubled in another: they cancel.
  assert.equal(perRoundRatio([0.5, 2], [1, 1]), 1);
});

test('per round: rounds without a figure are left out; different rounds cannot be paired', () => {
  assert.equal(perRoundRatio([3, 0, 3], [1, 1, 0]), 3);
  assert.ok(Number.isNaN(perRoundRatio([0], [1])));
  assert.throws(() => perRoundRatio([1, 2], [1]), /same number of rounds/);
});

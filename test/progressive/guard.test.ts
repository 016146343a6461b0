// The guard's verdict (pure): minimum sample, native success bars, p99 bar, and never a breach because
// legacy got worse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judge, DEFAULT_THRESHOLDS } from '../../src/progressive/guard.ts';
import { bucketIndex } from '../../src/progressive/histogram.ts';
import type { Cell } from '../../src/progressive/recorder.ts';

function cell(requests: number, errors: number, ms: number, slowShare = 0, slowMs = ms): Cell {
  const latency = new Map<number, number>();
  const slow = Math.round(requests * slowShare);
  latency.set(bucketIndex(ms), requests - slow);
  if (slow) latency.set(bucketIndex(slowMs), (latency.get(bucketIndex(slowMs)) ?? 0) + slow);
  return { requests, errors, refused: 0, latency };
}

test('no verdict below the minimum native sample', () => {
  assert.equal(judge(cell(199, 100, 5), cell(1000, 0, 5), 60).verdict, 'insufficient');
  assert.equal(judge(cell(200, 0, 5), cell(1000, 0, 5), 60).verdict, 'healthy');
});

test('native success below 99% or more than 1 point below legacy is a breach, with figures', () => {
  const j = judge(cell(1000, 30, 5), cell(1000, 0, 5), 60);
  assert.equal(j.verdict, 'breach');
  assert.equal(j.figures.native.successRate, 0.97);
  assert.equal(j.figures.breaches.length, 2);
  assert.equal(judge(cell(1000, 9, 5), cell(1000, 0, 5), 60).verdict, 'healthy'); // 99.1% vs 100%
  assert.equal(judge(cell(1000, 11, 5), cell(1000, 0, 5), 60).verdict, 'breach'); // 98.9%
});

test('native p99 above max(1.5 × legacy p99, legacy p99 + 50 ms) is a breach', () => {
  assert.equal(judge(cell(1000, 0, 5, 0.02, 55), cell(1000, 0, 10), 60).verdict, 'healthy'); // ≈57 ≤ ≈10 + 50 (bucket bounds)
  const j = judge(cell(1000, 0, 5, 0.02, 200), cell(1000, 0, 100), 60);
  assert.equal(j.verdict, 'breach'); // 200 > 150
  assert.match(j.figures.breaches[0], /native p99/);
  assert.equal(judge(cell(1000, 0, 5, 0.02, 130), cell(1000, 0, 100), 60).verdict, 'healthy'); // ≈135 ≤ 1.5 × ≈101
});

test('legacy getting worse never causes a breach', () => {
  assert.equal(judge(cell(1000, 0, 20), cell(1000, 500, 2000), 60).verdict, 'healthy');
  assert.equal(judge(cell(1000, 5, 20), cell(1000, 400, 5), 60).verdict, 'healthy');
  // … and a legacy outage does not excuse native below the absolute bar
  assert.equal(judge(cell(1000, 50, 20), cell(1000, 900, 5), 60).verdict, 'breach');
  assert.equal(DEFAULT_THRESHOLDS.minRequests, 200);
});

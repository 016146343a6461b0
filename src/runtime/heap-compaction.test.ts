import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { getHeapSpaceStatistics } from 'node:v8';
import { compactHeap, compactWhenIdle, IDLE_COMPACTION, IdleDetector } from './heap-compaction.ts';

const oldSpaceBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.physical_space_size ?? 0;

test('compactHeap returns old-space garbage to the OS', () => {
  // Survivors of many young GCs end up in old space; dropped, they stay there until a full GC.
  let keep: object[] | null = [];
  for (let i = 0; i < 400_000; i++) keep.push({ i, s: `item-${i}`, a: [i, i] });
  keep = null;
  const before = oldSpaceBytes();
  compactHeap();
  const after = oldSpaceBytes();
  assert.ok(before - after > 20 * 2 ** 20, `old space went from ${before} to ${after} bytes`);
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'gc() is not left exposed as a global');
});

test('IdleDetector compacts after enough quiet intervals in a row following enough work, once', () => {
  const d = new IdleDetector({ checkEveryMs: 1000, quietCpuShare: 0.02, quietChecks: 3, minBusyCpuMs: 2000 });
  assert.equal(d.observe(900, 1000), false, 'busy');
  assert.equal(d.observe(5, 1000), false, 'quiet, but only 905 ms of work so far');
  assert.equal(d.observe(1500, 1000), false, 'busy again');
  assert.equal(d.observe(10, 1000), false, 'quiet 1 of 3');
  assert.equal(d.observe(10, 1000), false, 'quiet 2 of 3');
  assert.equal(d.observe(500, 1000), false, 'a burst: the quiet spell starts over');
  assert.equal(d.observe(10, 1000), false, 'quiet 1 of 3');
  assert.equal(d.observe(10, 1000), false, 'quiet 2 of 3');
  assert.equal(d.observe(10, 1000), true, 'quiet 3 of 3 after 2.9 s of work');
  assert.equal(d.observe(10, 1000), false, 'still quiet: nothing new to give back');
  assert.equal(d.observe(19, 1000), false);
});

test('IdleDetector: an interval above the quiet share is not quiet', () => {
  const d = new IdleDetector({ checkEveryMs: 1000, quietCpuShare: 0.02, quietChecks: 1, minBusyCpuMs: 0 });
  assert.equal(d.observe(21, 1000), false);
  assert.equal(d.observe(20, 1000), true);
});

test('the production setting waits for a minute of quiet, not a lull between bursts', () => {
  assert.ok(IDLE_COMPACTION.checkEveryMs * IDLE_COMPACTION.quietChecks >= 60_000);
});

test('compactWhenIdle reads the process CPU on its timer and compacts when quiet', async (t) => {
  let compactions = 0;
  const idle = compactWhenIdle({ checkEveryMs: 50, quietCpuShare: 0.5, quietChecks: 1, minBusyCpuMs: 0 }, () => { compactions++; });
  t.after(() => idle.stop());
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(compactions >= 2, `compacted ${compactions} times while the test slept`);
});

test('boundHeapGrowth keeps the old generation near 2x its live size under churn', () => {
  // A child per run: ~20 MB that stays, and a ring of objects that live long enough to be promoted and
  // then die, so old space fills with garbage and its limit decides how far the heap grows.
  const child = (bound: boolean) => {
    const code = `
      import { boundHeapGrowth } from ${JSON.stringify(new URL('./heap-compaction.ts', import.meta.url).href)};
      if (${bound}) boundHeapGrowth();
      const live = []; for (let i = 0; i < 300000; i++) live.push({ i, s: 'x' + i });
      const ring = new Array(60000); let max = 0;
      for (let i = 0; i < 3000000; i++) {
        ring[i % ring.length] = { a: i, b: [i, i + 1, i + 2], c: 'v' + i };
        if (i % 10000 === 0) max = Math.max(max, process.memoryUsage().heapTotal);
      }
      console.log(max, live.length);`;
    const out = execFileSync(process.execPath, ['--max-semi-space-size=16', '--input-type=module', '-e', code], { encoding: 'utf8' });
    return Number(out.split(' ')[0]) / 2 ** 20;
  };
  const [unbounded, bounded] = [child(false), child(true)];
  // Measured: about 187 MB of heap at most without, 118–123 MB with.
  assert.ok(bounded < unbounded * 0.8, `largest heap ${bounded.toFixed(0)} MB bounded, ${unbounded.toFixed(0)} MB by V8's default`);
});

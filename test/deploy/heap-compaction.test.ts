// The production gateway process gives start-up's garbage back before it serves: two built gateways
// (spawned as `npm start` runs them, stack/production-flags.ts), one with HEAP_COMPACTION off, side by side.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { nativeFlags, build } from '../helper.ts';

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

test('a started gateway holds at least 10 MB less than the same gateway without heap compaction', async (t) => {
  const stack = await build(t, { level: 'processes', label: 'heap_compaction' });
  const flags = await nativeFlags(); // no legacy app: every feature native
  const compacted = await stack.spawnGateway('', { ...flags, LOG_LEVEL: 'warn' }, 'compacted');
  const plain = await stack.spawnGateway('', { ...flags, LOG_LEVEL: 'warn', HEAP_COMPACTION: 'false' }, 'plain');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const [on, off] = [rssMb(compacted.pid), rssMb(plain.pid)];
  // Measured here: 107 MB against 138 MB (built), 124 against 157 (sources); the margin leaves room for noise.
  assert.ok(off - on >= 10, `RSS with compaction ${on.toFixed(1)} MB, without ${off.toFixed(1)} MB`);
});

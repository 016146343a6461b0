// How the gateway starts the replay worker (src/shadow/worker/launch.ts): with a 100 ms slice at nice 19 through
// perl where the kernel keeps it, else under SCHED_IDLE through util-linux's `chrt` when the PATH has it,
// otherwise as plain node (the worker then lowers itself to nice 19).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { spawnSync } from 'node:child_process';
import { findExecutable, workerLaunch } from '../../src/shadow/worker/launch.ts';
import { REPLAY_SLICE_NS, sliceProgram } from '../../src/shadow/worker/slice.ts';

/** A temporary directory holding the named files with the given modes, removed after the test. */
function dirWith(t: TestContext, files: Record<string, number | { mode: number; script: string }>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'launch-'));
  t.after(() => rmSync(dir, { recursive: true }));
  for (const [name, spec] of Object.entries(files)) {
    const { mode, script } = typeof spec === 'number' ? { mode: spec, script: '#!/bin/sh\n' } : spec;
    writeFileSync(path.join(dir, name), script);
    chmodSync(path.join(dir, name), mode);
  }
  return dir;
}

test('with chrt on the PATH the worker runs under it, SCHED_IDLE, node and its arguments after', (t) => {
  const empty = dirWith(t, {});
  const bin = dirWith(t, { chrt: 0o755 });
  const launch = workerLaunch(['--max-old-space-size=256'], [empty, bin].join(path.delimiter), 'linux');
  assert.deepEqual(launch, {
    command: path.join(bin, 'chrt'), args: ['--idle', '0', process.execPath, '--max-old-space-size=256'], scheduling: 'SCHED_IDLE',
  });
});

test('without chrt, with one that may not set SCHED_IDLE, or not on Linux, the worker is plain node (nice 19 by itself)', (t) => {
  const noExec = dirWith(t, { chrt: 0o644 });
  const refused = dirWith(t, { chrt: { mode: 0o755, script: '#!/bin/sh\necho "chrt: failed to set pid 0\'s policy: Operation not permitted" >&2\nexit 1\n' } });
  const bin = dirWith(t, { chrt: 0o755 });
  const plain = { command: process.execPath, args: ['--x'], scheduling: 'nice 19' };
  assert.deepEqual(workerLaunch(['--x'], noExec, 'linux'), plain, 'a chrt that is not executable');
  assert.deepEqual(workerLaunch(['--x'], refused, 'linux'), plain, 'a chrt refused (a seccomp profile)');
  assert.deepEqual(workerLaunch(['--x'], '', 'linux'), plain, 'an empty PATH');
  assert.deepEqual(workerLaunch(['--x'], bin, 'darwin'), plain, 'not Linux');
});

test('with perl on the PATH and a kernel that keeps a thread\'s own slice, the worker gets nice 19 and a 100 ms slice: every thread it starts too', (t) => {
  const perl = findExecutable('perl', process.env.PATH ?? '');
  if (!perl || process.platform !== 'linux') return t.skip('needs perl on Linux');
  const launch = workerLaunch(['--x'], path.dirname(perl), 'linux');
  if (launch.scheduling !== 'nice 19, 100 ms slice') return t.skip(`this kernel keeps no slice of a thread's own (${launch.scheduling})`);
  assert.equal(launch.command, perl);
  assert.deepEqual(launch.args.slice(2), [process.execPath, '--x']);
  // The same program starting node: its main thread and a worker thread it starts later carry the slice and nice 19.
  const probe = `const { Worker } = require('node:worker_threads'); const fs = require('node:fs');
    const read = (tid) => ({ slice: Number(fs.readFileSync('/proc/self/task/' + tid + '/sched', 'utf8').match(/se\\.slice\\s*:\\s*(\\d+)/)[1]), nice: Number(fs.readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]) });
    const w = new Worker('setTimeout(() => {}, 500)', { eval: true });
    w.on('online', () => { console.log(JSON.stringify(fs.readdirSync('/proc/self/task').map(read))); process.exit(0); });`;
  const run = spawnSync(perl, [...launch.args.slice(0, 2), process.execPath, '-e', probe], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const threads: Array<{ slice: number; nice: number }> = JSON.parse(run.stdout);
  assert.ok(threads.length >= 5, run.stdout);
  assert.deepEqual(new Set(threads.map((x) => x.slice)), new Set([REPLAY_SLICE_NS]), run.stdout);
  assert.deepEqual(new Set(threads.map((x) => x.nice)), new Set([19]), run.stdout);
});

test('a perl that cannot set the slice (an older kernel: exit 3), or an architecture without known call numbers: SCHED_IDLE through chrt', (t) => {
  const olderKernel = dirWith(t, { perl: { mode: 0o755, script: '#!/bin/sh\nexit 3\n' }, chrt: 0o755 });
  const launch = workerLaunch(['--x'], olderKernel, 'linux');
  assert.equal(launch.scheduling, 'SCHED_IDLE');
  assert.equal(launch.command, path.join(olderKernel, 'chrt'));
  assert.equal(sliceProgram(19, 'ia32'), null);
  const bin = dirWith(t, { perl: 0o755, chrt: 0o755 }); // a perl that would succeed (exit 0), unused on ia32
  assert.equal(workerLaunch(['--x'], bin, 'linux', 'ia32').scheduling, 'SCHED_IDLE');
  assert.equal(workerLaunch(['--x'], bin, 'linux', 'x64').scheduling, 'nice 19, 100 ms slice');
});

test('findExecutable takes the first directory that has it', (t) => {
  const a = dirWith(t, { tool: 0o755 });
  const b = dirWith(t, { tool: 0o755 });
  assert.equal(findExecutable('tool', [b, a].join(path.delimiter)), path.join(b, 'tool'));
  assert.equal(findExecutable('missing', [a, b].join(path.delimiter)), null);
});

// How the gateway starts the replay worker (src/shadow/worker/launch.ts): with a 100 ms slice under SCHED_IDLE
// (or at nice 19) through perl where the kernel keeps it, else under SCHED_IDLE through util-linux's `chrt` when
// the PATH has it, otherwise as plain node (the worker then lowers itself to nice 19).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { spawn } from 'node:child_process';
import { SCHED_IDLE, threadsSlice } from './support/threads.ts';
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

test('with perl on the PATH and a kernel that keeps a thread\'s own slice, the worker gets SCHED_IDLE, nice 19 and a 100 ms slice: every thread it starts too', (t) => {
  const perl = findExecutable('perl', process.env.PATH ?? '');
  if (!perl || process.platform !== 'linux') return t.skip('needs perl on Linux');
  const launch = workerLaunch(['--x'], path.dirname(perl), 'linux');
  if (launch.scheduling !== 'SCHED_IDLE, 100 ms slice') return t.skip(`this kernel keeps no slice of a thread's own, or refuses SCHED_IDLE (${launch.scheduling})`);
  assert.equal(launch.command, perl);
  assert.deepEqual(launch.args.slice(2), [process.execPath, '--x']);
  // The same program starting node: its main thread and a worker thread it starts later carry the policy, the
  // slice and nice 19 (read back by the test's own sched_getattr, through perl).
  const probe = `const { Worker } = require('node:worker_threads'); const fs = require('node:fs');
    const w = new Worker('setTimeout(() => {}, 500)', { eval: true });
    w.on('online', () => { console.log(JSON.stringify(fs.readdirSync('/proc/self/task').map((tid) => ({ tid: Number(tid), policy: Number(fs.readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[38]), nice: Number(fs.readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]) })))); setTimeout(() => process.exit(0), 1000); });`;
  const child = spawn(perl, [...launch.args.slice(0, 2), process.execPath, '-e', probe], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill());
  return new Promise<void>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => {
      try {
        const threads: Array<{ tid: number; policy: number; nice: number }> = JSON.parse(chunk.toString());
        assert.ok(threads.length >= 5, chunk.toString());
        assert.deepEqual(new Set(threads.map((x) => x.policy)), new Set([SCHED_IDLE]), chunk.toString());
        assert.deepEqual(new Set(threads.map((x) => x.nice)), new Set([19]), chunk.toString());
        const slices = threadsSlice(child.pid ?? 0);
        assert.ok(slices.size >= threads.length, JSON.stringify([...slices]));
        assert.deepEqual(new Set(slices.values()), new Set([REPLAY_SLICE_NS]), JSON.stringify([...slices]));
        resolve();
      } catch (err) {
        reject(err);
      }
    });
  });
});

test('a perl that cannot set the slice (an older kernel: exit 3), or an architecture without known call numbers: SCHED_IDLE through chrt', (t) => {
  const olderKernel = dirWith(t, { perl: { mode: 0o755, script: '#!/bin/sh\nexit 3\n' }, chrt: 0o755 });
  const launch = workerLaunch(['--x'], olderKernel, 'linux');
  assert.equal(launch.scheduling, 'SCHED_IDLE');
  assert.equal(launch.command, path.join(olderKernel, 'chrt'));
  assert.equal(sliceProgram(19, 'ia32'), null);
  const bin = dirWith(t, { perl: 0o755, chrt: 0o755 }); // a perl that would succeed (exit 0), unused on ia32
  assert.equal(workerLaunch(['--x'], bin, 'linux', 'ia32').scheduling, 'SCHED_IDLE');
  assert.equal(workerLaunch(['--x'], bin, 'linux', 'x64').scheduling, 'SCHED_IDLE, 100 ms slice');
});

test('a kernel that keeps the slice but refuses SCHED_IDLE (a seccomp profile): nice 19 with the slice', (t) => {
  const noIdle = dirWith(t, { perl: { mode: 0o755, script: '#!/bin/sh\ncase "$2" in *sched_setscheduler*) exit 1;; esac\nexit 0\n' }, chrt: 0o755 });
  const launch = workerLaunch(['--x'], noIdle, 'linux', 'x64');
  assert.equal(launch.scheduling, 'nice 19, 100 ms slice');
  assert.equal(launch.command, path.join(noIdle, 'perl'));
  assert.doesNotMatch(launch.args[1], /sched_setscheduler/);
});

test('findExecutable takes the first directory that has it', (t) => {
  const a = dirWith(t, { tool: 0o755 });
  const b = dirWith(t, { tool: 0o755 });
  assert.equal(findExecutable('tool', [b, a].join(path.delimiter)), path.join(b, 'tool'));
  assert.equal(findExecutable('missing', [a, b].join(path.delimiter)), null);
});

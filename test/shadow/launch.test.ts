// How the gateway starts the replay worker (src/shadow/worker/launch.ts): under SCHED_IDLE through util-linux's
// `chrt` when the PATH has it, otherwise as plain node (the worker then lowers itself to nice 19).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { findExecutable, workerLaunch } from '../../src/shadow/worker/launch.ts';

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

test('findExecutable takes the first directory that has it', (t) => {
  const a = dirWith(t, { tool: 0o755 });
  const b = dirWith(t, { tool: 0o755 });
  assert.equal(findExecutable('tool', [b, a].join(path.delimiter)), path.join(b, 'tool'));
  assert.equal(findExecutable('missing', [a, b].join(path.delimiter)), null);
});

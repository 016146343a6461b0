// The production flags keep V8's optimising compilers off during start-up; enableDeferredCompilers turns
// them back on. Checked in a child process started with those flags, from V8's own --trace-opt log: a hot
// function is not optimised before, and reaches Turbofan after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFERRED_COMPILER_FLAGS, enableDeferredCompilers } from './deferred-compilers.ts';

const run = promisify(execFile);

const CHILD = `
  import { enableDeferredCompilers } from ${JSON.stringify(new URL('./deferred-compilers.ts', import.meta.url).href)};
  function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
  const load = () => { let x = 0; for (let i = 0; i < 200000; i++) x += hot(100); return x; };
  load();
  console.log('--- enabled: ' + enableDeferredCompilers().join(','));
  load();`;

test('a process started with the production flags optimises nothing until enableDeferredCompilers, then reaches Turbofan', async () => {
  const { stdout } = await run(process.execPath, [...DEFERRED_COMPILER_FLAGS, '--trace-opt', '--input-type=module', '-e', CHILD]);
  const [before, after] = stdout.split(/^--- enabled: .*$/m);
  assert.match(stdout, /^--- enabled: turbofan,maglev,sparkplug$/m);
  assert.equal(/completed compiling/.test(before), false, 'nothing optimised before the compilers are on');
  assert.match(after, /completed compiling .*<JSFunction hot .*\(target TURBOFAN/, 'the hot function reaches Turbofan once they are on');
});

test('without the flags on the command line there is nothing to turn on', () => {
  assert.deepEqual(enableDeferredCompilers(['--max-semi-space-size=16']), []);
  assert.deepEqual(enableDeferredCompilers(['--no-sparkplug']), ['sparkplug']);
});

// The production flags keep V8's optimising compilers off during start-up; enableDeferredCompilers turns
// them back on, and enableDeferredCompilersOnTraffic does so at a server's first request that is not a
// probe. Checked in child processes started with those flags, from V8's own --trace-opt log: a hot
// function is not optimised before, and reaches Turbofan after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EventEmitter } from 'node:events';
import { DEFERRED_COMPILER_FLAGS, enableDeferredCompilers, enableDeferredCompilersOnTraffic } from './deferred-compilers.ts';

const run = promisify(execFile);
const MODULE = JSON.stringify(new URL('./deferred-compilers.ts', import.meta.url).href);
/** A function hot enough for Turbofan, and a loop that makes it so. */
const HOT_LOOP = `
  function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
  const load = () => { let x = 0; for (let i = 0; i < 200000; i++) x += hot(100); return x; };`;

const CHILD = `
  import { enableDeferredCompilers } from ${MODULE};${HOT_LOOP}
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
  const server = new EventEmitter();
  enableDeferredCompilersOnTraffic(server, ['--max-semi-space-size=16']);
  assert.equal(server.listenerCount('request'), 0, 'no listener when nothing was deferred');
});

// A real node:http server in a child started with the production flags: probes, then a hot loop, then one
// request of traffic, then the hot loop again; the listener count is printed after each phase.
const SERVER_CHILD = `
  import { createServer } from 'node:http';
  import { enableDeferredCompilersOnTraffic } from ${MODULE};${HOT_LOOP}
  // The interpreted load() between two requests can outlast the default 5 s keep-alive on a busy machine:
  // the client would then reuse a socket the server has just closed (ECONNRESET).
  const server = createServer({ keepAliveTimeout: 60000 }, (req, res) => res.end('ok'));
  enableDeferredCompilersOnTraffic(server);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const get = (path) => fetch('http://127.0.0.1:' + server.address().port + path).then((r) => r.text());
  for (const path of ['/health', '/health/live', '/metrics', '/health?deep=1']) await get(path);
  load();
  console.log('--- probed, listeners ' + server.listenerCount('request'));
  await get('/api/vehicles');
  console.log('--- traffic, listeners ' + server.listenerCount('request'));
  load();
  server.close();`;

test('probes leave the compilers off; the first other request turns them on and removes the listener', async () => {
  const { stdout } = await run(process.execPath, [...DEFERRED_COMPILER_FLAGS, '--trace-opt', '--input-type=module', '-e', SERVER_CHILD]);
  const [probed, traffic] = stdout.split(/^--- probed, listeners \d+$/m);
  assert.match(stdout, /^--- probed, listeners 2$/m, 'still listening after probes');
  assert.match(stdout, /^--- traffic, listeners 1$/m, 'only the server\'s own handler is left');
  assert.equal(/completed compiling/.test(probed), false, 'nothing optimised while only probed');
  assert.match(traffic, /completed compiling .*<JSFunction hot .*\(target TURBOFAN/, 'the hot function reaches Turbofan after traffic');
});

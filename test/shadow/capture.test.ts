// The copy of Express's proxied body (src/shadow/capture.ts): the client's stream is the proxy's own and
// carries every byte whatever happens to the copy; the copy never starts the flow itself; it is a buffer the
// gateway can hand to the replay worker; a broken or over-long body is never compared. Also: the replay
// worker process's lowered scheduling priority (src/shadow/worker/priority.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PassThrough, type Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { captureBody, type CaptureOutcome } from '../../src/shadow/capture.ts';
import { REPLAY_NICE } from '../../src/shadow/worker/priority.ts';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { autogroupOf, threadsNice } from './support/threads.ts';

function collect(): { sink: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { parts.push(chunk); cb(); } });
  return { sink, bytes: () => Buffer.concat(parts) };
}

/** The client's side: a sink the body is piped into, as Fastify pipes the proxy's stream into the response. */
function client(): { sink: Writable; bytes: () => Buffer } {
  return collect();
}

function watch(source: Readable, sink: Writable, maxBytes: number, expected?: number): Promise<CaptureOutcome> {
  return new Promise((resolve) => captureBody(source, sink, maxBytes, expected, resolve));
}

/** A body streamed as the proxy's is: chunks pushed over several turns of the event loop. */
function slowBody(chunks: Buffer[]): PassThrough {
  const s = new PassThrough();
  let i = 0;
  const next = () => (i < chunks.length ? s.write(chunks[i++], () => setImmediate(next)) : s.end());
  setImmediate(next);
  return s;
}

const JSON_CHUNKS = [Buffer.from('{"id":'), Buffer.from('"v1",'), Buffer.from('"nickname":"blue"}')];

test('the client gets the very stream and every byte; the copy is whole and owns its memory (transferable)', async () => {
  const source = slowBody(JSON_CHUNKS);
  const { sink, bytes } = client();
  const outcome = watch(source, sink, 1024, 29);
  source.pipe(sink); // what Fastify does with the proxy's stream
  await finished(sink);
  const expected = Buffer.concat(JSON_CHUNKS);
  assert.deepEqual(bytes(), expected);
  const o = await outcome;
  assert.equal(o.kind, 'complete');
  if (o.kind !== 'complete') return;
  assert.deepEqual(o.body, expected);
  // Not a slice of Node's shared 8 KB pool: handing its ArrayBuffer to a thread moves only these bytes.
  assert.equal(o.body.byteOffset, 0);
  assert.equal(o.body.buffer.byteLength, expected.length);
});

test('data already buffered before the body is piped is in the copy too', async () => {
  const source = new PassThrough();
  source.write(JSON_CHUNKS[0]); // buffered while the proxy waits for the onSend hooks
  const { sink, bytes } = client();
  const outcome = watch(source, sink, 1024);
  await new Promise((r) => setImmediate(r));
  source.pipe(sink);
  source.write(JSON_CHUNKS[1]);
  source.end(JSON_CHUNKS[2]);
  await finished(sink);
  const o = await outcome;
  assert.deepEqual(o.kind === 'complete' && o.body, Buffer.concat(JSON_CHUNKS));
  assert.deepEqual(bytes(), Buffer.concat(JSON_CHUNKS));
});

test('the copy never starts the flow: a body nobody reads is not consumed', async () => {
  const source = new PassThrough();
  source.end(Buffer.from('{}'));
  let reported = false;
  captureBody(source, client().sink, 1024, 0, () => { reported = true; });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(source.readableFlowing, null, 'still not flowing');
  assert.equal(source.readableLength, 2, 'the bytes wait for their reader');
  assert.equal(reported, false);
});

test('only a pipe of the watched body into the response is followed; a body that was not piped is never compared', async () => {
  const source = new PassThrough();
  const { sink } = client();
  const outcome = watch(source, sink, 1024);
  new PassThrough().pipe(sink); // another stream into the same response: not ours
  source.pipe(collect().sink);
  source.end(Buffer.from('{}'));
  assert.deepEqual(await outcome, { kind: 'aborted' });
});

test('an answer without a body (a 204 that Fastify drains unpiped) is an empty copy', async () => {
  const source = new PassThrough();
  const outcome = watch(source, client().sink, 1024, 0);
  source.resume();
  source.end();
  const o = await outcome;
  assert.deepEqual(o.kind === 'complete' && o.body.length, 0);
});

test('a body over the limit still reaches the client whole; the copy is dropped (too_large)', async () => {
  const big = Array.from({ length: 8 }, (_, i) => Buffer.alloc(100, 97 + i));
  const source = slowBody(big);
  const { sink, bytes } = client();
  const outcome = watch(source, sink, 500);
  source.pipe(sink);
  await finished(sink);
  assert.equal(bytes().length, 800);
  assert.deepEqual(await outcome, { kind: 'too_large' });
});

test('a copy of another size than the announced content-length is never compared (aborted)', async () => {
  const source = slowBody(JSON_CHUNKS);
  const { sink } = client();
  const outcome = watch(source, sink, 1024, 40);
  source.pipe(sink);
  assert.deepEqual(await outcome, { kind: 'aborted' });
});

test('a source that fails or closes mid-body: aborted', async () => {
  for (const failure of [new Error('upstream reset'), undefined]) {
    const source = new PassThrough();
    const { sink } = client();
    const outcome = watch(source, sink, 1024);
    source.pipe(sink);
    source.write('{"id":');
    setImmediate(() => source.destroy(failure));
    assert.deepEqual(await outcome, { kind: 'aborted' });
  }
});

test('the replay worker lowers the priority of every thread of its process, those it starts later too', async (t) => {
  if (process.platform !== 'linux') return t.skip('thread priorities are read from /proc (Linux)');
  const { getPriority } = await import('node:os');
  const before = getPriority();
  const group = autogroupOf('self');
  // A process like the replay worker: it has its threads (V8's, libuv's) before it lowers its priority, and
  // starts one more after; it reports when done and waits to be read.
  const src = `
    const { Worker } = await import('node:worker_threads');
    const m = await import(${JSON.stringify(new URL('../../src/shadow/worker/priority.ts', import.meta.url).href)});
    const ok = m.lowerThisProcesssPriority();
    const later = new Worker('setInterval(() => {}, 1000)', { eval: true });
    later.once('online', () => process.stdout.write(JSON.stringify({ ok }) + '\\n'));
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  assert.deepEqual(JSON.parse(line.toString()), { ok: true });
  const nice = threadsNice(child.pid ?? -1);
  assert.ok(nice.size >= 5, `the process's threads: ${nice.size}`);
  assert.deepEqual(new Set(nice.values()), new Set([REPLAY_NICE]), `nice by thread: ${JSON.stringify([...nice])}`);
  assert.equal(getPriority(), before, 'the process that started it keeps its priority');
  // It shares this process's session (not started detached): the autogroup they share is left alone.
  assert.equal(autogroupOf('self'), group, 'the shared autogroup keeps its nice value');
});

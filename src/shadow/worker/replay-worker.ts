// The shadow replay worker (a worker thread the gateway starts while some feature is shadowed): runs each
// sampled read on its own capsule instance (replay-app.ts), compares it with Express's answer and posts the
// outcome back. Off the gateway's event loop, so a native run can never delay a client's answer.
import { parentPort, workerData } from 'node:worker_threads';
import { buildReplayApp } from './replay-app.ts';
import { expressBackend, nativeBackend } from '../backends.ts';
import { replaySample, type ReplayOutcome } from '../replay.ts';
import type { FromWorker, ReplayWorkerData, ToWorker } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('replay-worker.ts runs only as a worker thread (src/shadow/replay-host.ts starts it)');
const { config, settings } = workerData as ReplayWorkerData;
const post = (msg: FromWorker) => port.postMessage(msg);

// Listening before the app is built: jobs posted while it starts wait for it instead of being lost.
const app = buildReplayApp(config);
const backends = app.then((instance) => ({
  native: nativeBackend(instance, settings.maxBodyBytes), express: expressBackend(config.LEGACY_URL, settings.maxBodyBytes), settings,
}));
const inFlight = new Set<Promise<void>>();

async function run(msg: Extract<ToWorker, { type: 'job' }>): Promise<void> {
  let outcome: ReplayOutcome;
  try {
    const parts = await backends;
    const express = { status: msg.express.status, contentType: msg.express.contentType, body: Buffer.from(msg.express.body.buffer, msg.express.body.byteOffset, msg.express.body.byteLength) };
    outcome = await replaySample(msg.sample, express, parts);
  } catch {
    outcome = { kind: 'errored', reason: 'exception', nativeStatus: null };
  }
  post({ type: 'result', id: msg.id, outcome });
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'job') {
    const p = run(msg).finally(() => inFlight.delete(p));
    inFlight.add(p);
    return;
  }
  // close: finish what runs, release the pools, and let the thread end.
  void Promise.allSettled([...inFlight]).then(async () => {
    await (await app).close();
    port.close();
  });
});

await app; // a start-up failure ends the worker with the error (the host restarts it with backoff)
post({ type: 'ready' });

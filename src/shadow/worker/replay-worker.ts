// The shadow replay worker (a worker thread the gateway starts while some feature is shadowed): runs each
// sampled read on its own capsule instance (replay-app.ts), compares it with Express's answer and posts the
// outcome back. Off the gateway's event loop, so a native run can never delay a client's answer.
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadsPriority } from './priority.ts';
import { buildReplayApp } from './replay-app.ts';
import { expressBackend, nativeBackend } from '../backends.ts';
import { replaySample, waitedTooLong, type ReplayOutcome } from '../replay.ts';
import type { FromWorker, ReplayWorkerData, ToWorker } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('replay-worker.ts runs only as a worker thread (src/shadow/replay-host.ts starts it)');
const { config, settings } = workerData as ReplayWorkerData;
const post = (msg: FromWorker) => port.postMessage(msg);
lowerThisThreadsPriority();

/** When the app became ready (jobs posted during the start waited for it, not for the CPU). */
let readyAt = 0;

// Listening before the app is built: jobs posted while it starts wait for it instead of being lost.
const app = buildReplayApp(config);
const backends = app.then((instance) => {
  readyAt = Date.now();
  return { native: nativeBackend(instance, settings.maxBodyBytes), express: expressBackend(config.LEGACY_URL, settings.maxBodyBytes), settings };
});
const inFlight = new Set<Promise<void>>();

/**
 * Outcomes wait up to this long to go back together: each message wakes the gateway's thread (the one that
 * answers the clients), so fewer, larger messages cost it less. The gateway's budget slot of a run is held
 * that much longer (SHADOW_MAX_CONCURRENT slots still allow hundreds of samples a second).
 */
const RESULT_BATCH_MS = 25;
const MAX_BATCH = 64;
let batch: Array<{ id: number; outcome: ReplayOutcome }> = [];
let batchTimer: NodeJS.Timeout | undefined;

function sendResults(): void {
  clearTimeout(batchTimer);
  batchTimer = undefined;
  if (batch.length === 0) return;
  post({ type: 'results', results: batch });
  batch = [];
}

function settle(id: number, outcome: ReplayOutcome): void {
  batch.push({ id, outcome });
  if (batch.length >= MAX_BATCH) sendResults();
  else batchTimer ??= setTimeout(sendResults, RESULT_BATCH_MS);
}

async function run(msg: Extract<ToWorker, { type: 'job' }>): Promise<void> {
  let outcome: ReplayOutcome;
  try {
    const parts = await backends;
    if (waitedTooLong(msg.postedAt, readyAt, Date.now(), settings.maxWaitMs)) {
      settle(msg.id, { kind: 'skipped', reason: 'busy' });
      return;
    }
    const express = { status: msg.express.status, contentType: msg.express.contentType, body: Buffer.from(msg.express.body.buffer, msg.express.body.byteOffset, msg.express.body.byteLength) };
    outcome = await replaySample(msg.sample, express, parts);
  } catch {
    outcome = { kind: 'errored', reason: 'exception', nativeStatus: null };
  }
  settle(msg.id, outcome);
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'job') {
    const p = run(msg).finally(() => inFlight.delete(p));
    inFlight.add(p);
    return;
  }
  // close: finish what runs, release the pools, and let the thread end.
  void Promise.allSettled([...inFlight]).then(async () => {
    sendResults();
    await (await app).close();
    port.close();
  });
});

await app; // a start-up failure ends the worker with the error (the host restarts it with backoff)
post({ type: 'ready' });

// The shadow replay worker: a child process the gateway starts while some feature is shadowed
// (src/shadow/replay-host.ts). It runs each sampled read on its own capsule instance (replay-app.ts),
// compares it with Express's answer and sends the outcome back. Off the gateway's process, at the lowest CPU
// priority, so a native run can never delay a client's answer.
import { lowerThisProcesssPriority } from './priority.ts';
import { buildReplayApp, REPLAY_DB_POOL_MAX } from './replay-app.ts';
import { RunSlots } from './run-slots.ts';
import { Outbox } from '../outbox.ts';
import { expressBackend, nativeBackend } from '../backends.ts';
import { CalibrationPicker } from '../calibration.ts';
import { processTracing } from '../../telemetry/process-tracing.ts';
import { ExpressContractCheck } from '../contract-check.ts';
import { StarvationWatch, starvationAwareLimit } from './starvation.ts';
import { replaySample, waitedTooLong, type ReplayOutcome, type ReplayParts } from '../replay.ts';
import type { FromWorker, Job, ToWorker } from './protocol.ts';
import type { FastifyInstance } from 'fastify';

const send = process.send?.bind(process);
if (!send) throw new Error('replay-worker.ts runs only as the gateway\'s replay worker (src/shadow/replay-host.ts starts it)');
const post = (msg: FromWorker) => { if (process.connected) send(msg); };
lowerThisProcesssPriority();
process.title = 'shadow-replay';
// The gateway gone (crashed, killed): nothing is left to replay for, and the pools must not linger.
process.on('disconnect', () => process.exit(0));
// Its life is the gateway's to end (after draining, with a 'close'): ending mid-run on a stray INT or TERM
// would count its runs as native errors (a terminal's Ctrl-C reaches the whole process group, the worker too).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});

interface Started {
  app: Promise<FastifyInstance>;
  parts: Promise<ReplayParts>;
}
let started: Started | null = null;
/** When the app became ready (jobs posted during the start waited for it, not for the CPU). */
let readyAt = 0;
/** Runs started and not yet ended, and who waits for there to be none ('close' needs no more than that). */
let running = 0;
const idle: Array<() => void> = [];
/** Two runs per database connection: one in a query while the other is in JS (see run-slots.ts). */
const slots = new RunSlots(REPLAY_DB_POOL_MAX * 2);
const starvation = new StarvationWatch();

/**
 * Outcomes wait up to this long to go back together: each message wakes the gateway's thread (the one that
 * answers the clients), so fewer, larger messages cost it less. The gateway's budget slot of a run is held
 * that much longer (SHADOW_MAX_CONCURRENT slots still allow hundreds of samples a second).
 */
const RESULT_BATCH_MS = 25;
const MAX_RESULT_BATCH = 64;
const results = new Outbox<{ id: number; outcome: ReplayOutcome }>({
  windowMs: RESULT_BATCH_MS, maxBatch: MAX_RESULT_BATCH, send: (batch) => post({ type: 'results', results: batch }),
});

function ended(): void {
  if (--running === 0) for (const resolve of idle.splice(0)) resolve();
}

function settle(id: number, outcome: ReplayOutcome): void {
  results.push({ id, outcome });
}

async function run(s: Started, msg: Job): Promise<void> {
  await slots.acquire();
  try {
    settle(msg.id, await runInSlot(s, msg));
  } finally {
    slots.release();
  }
}

async function runInSlot(s: Started, msg: Job): Promise<ReplayOutcome> {
  let outcome: ReplayOutcome;
  try {
    const shared = await s.parts;
    const { timeoutMs, maxWaitMs } = shared.settings;
    const now = Date.now();
    if (waitedTooLong(msg.postedAt, readyAt, now, maxWaitMs)) return { kind: 'skipped', reason: 'busy' };
    const queuedMs = now - Math.max(msg.postedAt, readyAt);
    // Time waiting for a core mid-run is granted back from what the sample did not wait in the queue: in all,
    // a sample waits at most maxWaitMs and runs at most timeoutMs (the host's stuck-run watchdog counts on it).
    const started = starvation.mark();
    const parts: ReplayParts = { ...shared, limit: (expire) => starvationAwareLimit(timeoutMs, Math.max(0, maxWaitMs - queuedMs), expire, started.coreWait) };
    const express = { status: msg.express.status, contentType: msg.express.contentType, body: Buffer.from(msg.express.body.buffer, msg.express.body.byteOffset, msg.express.body.byteLength) };
    const tracing = processTracing();
    outcome = tracing
      ? await tracing.linkedRoot('shadow replay', msg.sample.trace, { 'mvp.feature': msg.sample.feature, 'mvp.stage': 'shadow', 'mvp.backend': 'fastify', 'mvp.route': msg.sample.route }, () => replaySample(msg.sample, express, parts))
      : await replaySample(msg.sample, express, parts);
    // Starved of CPU mid-run (the lowest priority gave way to the clients): the native side is not to blame,
    // whether the run timed out or a deadline inside it gave first (the pool's wait for a connection: a 503).
    if (outcome.kind === 'errored' && starvation.starved(started, timeoutMs)) outcome = { kind: 'skipped', reason: 'busy' };
  } catch {
    outcome = { kind: 'errored', reason: 'exception', nativeStatus: null };
  }
  return outcome;
}

function start(msg: Extract<ToWorker, { type: 'start' }>): Started {
  const app = buildReplayApp(msg.config);
  const parts = app.then((instance): ReplayParts => {
    readyAt = Date.now();
    const calibrations = new CalibrationPicker({ noiseRate: msg.settings.noiseRate, maxPerSecond: msg.settings.noiseMaxPerSecond });
    const contract = new ExpressContractCheck(instance.swagger());
    return {
      native: nativeBackend(instance, msg.settings.maxBodyBytes), express: expressBackend(msg.config.LEGACY_URL, msg.settings.maxBodyBytes),
      settings: msg.settings, calibrate: (feature, route) => calibrations.pick(`${feature} ${route}`),
      checkContract: (route, answer) => contract.violations(route, answer),
    };
  });
  // A start-up failure ends the worker with the error (the host restarts it with backoff).
  parts.catch(() => {});
  app.then(() => post({ type: 'ready' }), (err: unknown) => {
    console.error('shadow replay worker: start failed', err);
    process.exit(1);
  });
  return { app, parts };
}

process.on('message', (msg: ToWorker) => {
  if (msg.type === 'start') {
    started ??= start(msg);
    return;
  }
  const s = started;
  if (!s) return; // the host always starts first
  if (msg.type === 'jobs') {
    for (const job of msg.jobs) {
      running++;
      void run(s, job).finally(ended);
    }
  } else if (msg.type === 'heap') {
    const { heapUsed, heapTotal, rss } = process.memoryUsage();
    post({ type: 'heap', heap: { usedBytes: heapUsed, totalBytes: heapTotal, rssBytes: rss } });
  } else {
    // close: finish what runs, release the pools, and end.
    void new Promise<void>((resolve) => (running === 0 ? resolve() : idle.push(resolve))).then(async () => {
      results.flush();
      await (await s.app).close();
      await processTracing()?.shutdown(); // the last replays' spans
      process.disconnect();
    });
  }
});

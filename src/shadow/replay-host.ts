// The gateway's side of the replay worker (src/shadow/worker/): starts the worker — a child process of its
// own, at the lowest CPU priority (worker/launch.ts) — while some feature is shadowed and stops it once none has been for
// `lingerMs`, hands it each captured sample and resolves the outcome. A worker that crashes fails its runs
// (`errored: exception`) and is restarted with backoff; one that stops answering (a native handler spinning)
// is killed: its runs count as timeouts.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Captured } from './compare.ts';
import type { ReplayOutcome, ReplaySettings, Sample } from './replay.ts';
import type { Config } from '../config/config.ts';
import type { FromWorker, Job, ToWorker } from './worker/protocol.ts';
import { workerLaunch, type ReplayScheduling, type WorkerLaunch } from './worker/launch.ts';
import { createOwnIdleCgroup, placeInCgroup, type CgroupPlacement, type OwnIdleCgroup } from './worker/cgroup.ts';
import { coreWaitMsOf } from './worker/starvation.ts';
import { Outbox } from './outbox.ts';
import { RunTable } from './run-table.ts';

/** The worker runs `.ts` from the sources and `.js` from the build, as this file does. */
const WORKER_ENTRY = fileURLToPath(new URL(`./worker/replay-main${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url));
/** How long past its own timeout a run may stay unanswered before the worker is judged stuck. */
const STUCK_GRACE_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** The worker's heap is bounded: running out ends the worker (then restarted), never the gateway. */
const MAX_OLD_GENERATION_MB = 256;
/**
 * The worker's Node options, set when it starts (the gateway's own, from deploy/gateway.env, reach it through
 * NODE_OPTIONS in the environment it inherits). Nothing of the gateway's command line: under a test runner
 * that would be the runner's.
 */
const WORKER_NODE_ARGS: readonly string[] = [`--max-old-space-size=${MAX_OLD_GENERATION_MB}`];

/**
 * Where each worker is moved (SHADOW_WORKER_CGROUP): `auto`, an idle cgroup the gateway creates for its
 * workers where it may (worker/cgroup.ts); a cgroup the operator prepared; null, none (the gateway's own).
 */
export type WorkerCgroup = 'auto' | { path: string } | null;

export interface ReplayHostOptions {
  config: Config;
  settings: ReplaySettings;
  /** Whether some feature is sampled right now (read every `checkMs`). */
  needed: () => boolean;
  /** How long the worker stays once nothing needs it (SHADOW_WORKER_LINGER_MS). */
  lingerMs: number;
  cgroup?: WorkerCgroup;
  checkMs?: number;
  onEvent?: (msg: string, err?: unknown) => void;
}

interface Pending {
  done: (outcome: ReplayOutcome) => void;
  /** When the run's clock started (the worker being ready), on the worker's clock (`workerNow`); null while the worker starts. */
  armedAt: number | null;
}

/**
 * Samples wait up to this long to go to the worker together. Each message costs the clients' thread about
 * 0.1 ms on the bench machine (serialising it, and a write that wakes the worker: docs/shadow.md "Cost"),
 * hardly more for five samples than for one. A full batch goes at once: samples waiting here never hold more than MAX_JOB_BATCH of
 * the budget's slots (SHADOW_MAX_CONCURRENT).
 */
const JOB_BATCH_MS = 20;
const MAX_JOB_BATCH = 8;

/** How often unanswered runs are checked against their deadline (one timer for all, not one per run). */
const WATCHDOG_MS = 250;

export interface ReplayState {
  running: boolean;
  ready: boolean;
  starts: number;
  crashes: number;
  /** The worker process's id while it runs (its CPU and memory are its own: ps, /proc). */
  pid: number | null;
  /** How its threads give way to the clients' (worker/launch.ts): SCHED_IDLE or nice 19 with a 100 ms slice, SCHED_IDLE, or nice 19 alone (null: no worker started yet). */
  scheduling: ReplayScheduling | null;
  /** The cgroup the running worker was moved into (SHADOW_WORKER_CGROUP) and whether it is idle; null: the gateway's. */
  cgroup: CgroupPlacement | null;
}

export interface ReplayHeap { usedBytes: number; totalBytes: number; rssBytes: number }

export class ReplayHost {
  private readonly opts: ReplayHostOptions;
  private worker: ChildProcess | null = null;
  private ready = false;
  private readonly pending = new RunTable<Pending>();
  /** Samples taken and not yet sent to the current worker (JOB_BATCH_MS). */
  private readonly outbox = new Outbox<Job>({
    windowMs: JOB_BATCH_MS, maxBatch: MAX_JOB_BATCH, send: (jobs) => { if (this.worker) this.send(this.worker, { type: 'jobs', jobs }); },
  });
  private nextId = 0;
  private starts = 0;
  private crashes = 0;
  /** Crashes since the worker last became ready: the backoff doubles with each. */
  private crashesInARow = 0;
  private notBefore = 0;
  private idleSince: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  /** The current worker's run-queue wait so far, read by the watchdog (the same process all along: a new worker restarts it at 0). */
  private workerWaitedMs = 0;
  private stopping: Promise<void> | null = null;
  private heapAsked: Array<(heap: ReplayHeap | null) => void> = [];
  /** The worker's command line: found before the gateway listens (prepare) or else at the first worker start. */
  private launch: WorkerLaunch | null = null;
  private cgroup: CgroupPlacement | null = null;
  /** The idle cgroup this gateway created for its workers (SHADOW_WORKER_CGROUP=auto); 'unavailable' once refused. */
  private ownCgroup: OwnIdleCgroup | 'unavailable' | null = null;

  constructor(opts: ReplayHostOptions) {
    this.opts = opts;
  }

  /**
   * Checks the need every `checkMs`: starts the worker as soon as a feature is sampled, stops it once none
   * has been for `lingerMs`. Never waits for the worker: the gateway's start and its clients do not depend
   * on it (samples taken while it starts wait in the budget's slots).
   */
  watch(): void {
    const check = () => {
      if (this.opts.needed()) {
        this.idleSince = null;
        this.ensureStarted();
      } else if (this.worker && this.pending.size === 0) {
        this.idleSince ??= Date.now();
        if (Date.now() - this.idleSince >= this.opts.lingerMs) void this.stopWorker();
      }
    };
    check();
    this.timer = setInterval(check, this.opts.checkMs ?? 1000);
    this.timer.unref();
  }

  get state(): ReplayState {
    return { running: this.worker !== null, ready: this.ready, starts: this.starts, crashes: this.crashes, pid: this.worker?.pid ?? null, scheduling: this.launch?.scheduling ?? null, cgroup: this.worker ? this.cgroup : null };
  }

  /** The worker's V8 heap and resident memory, while it runs and answers (null otherwise, or after 1 s). */
  heap(): Promise<ReplayHeap | null> {
    const w = this.worker;
    if (!this.ready || !w) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => answer(null), 1000);
      const answer = (heap: ReplayHeap | null) => {
        clearTimeout(timer);
        this.heapAsked = this.heapAsked.filter((r) => r !== answer);
        resolve(heap);
      };
      this.heapAsked.push(answer);
      if (this.heapAsked.length === 1) this.send(w, { type: 'heap' });
    });
  }

  /** Replays one sample (starting the worker when needed) and calls `done` once with its outcome. */
  run(sample: Sample, express: Captured, done: (outcome: ReplayOutcome) => void): void {
    const worker = this.ensureStarted();
    if (!worker) {
      done({ kind: 'skipped', reason: 'unavailable' }); // backing off after a crash, or still stopping
      return;
    }
    const id = this.nextId++;
    const now = Date.now();
    this.pending.set(id, { done, armedAt: this.ready ? this.workerNow(now) : null });
    this.outbox.push({ id, postedAt: now, sample, express });
  }

  /**
   * Finds the worker's command line now (a PATH lookup and one short run of perl or chrt, about 10 ms of the
   * thread that runs it) rather than at the first worker start, when it would hold up the clients' requests.
   */
  prepare(): void {
    this.launch ??= workerLaunch(WORKER_NODE_ARGS);
  }

  /** Stops watching and stops the worker (shutdown; the caller has drained the runs first), then removes the cgroup it made for it. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.watchdog);
    await this.stopWorker();
    if (this.ownCgroup !== null && this.ownCgroup !== 'unavailable' && !this.ownCgroup.remove()) {
      this.opts.onEvent?.(`shadow replay worker: its cgroup ${this.ownCgroup.path} still holds a process; the next gateway to start removes it`);
    }
  }

  /**
   * The cgroup the next worker goes into: SHADOW_WORKER_CGROUP's, or for `auto` the one this gateway made
   * (created at the first worker start, a few file writes: a gateway that never shadows makes none).
   */
  private cgroupDir(): string | null {
    const want = this.opts.cgroup ?? null;
    if (want !== 'auto') return want?.path ?? null;
    if (this.ownCgroup === null) {
      const made = createOwnIdleCgroup();
      if ('unavailable' in made) this.opts.onEvent?.(`shadow replay worker: no idle cgroup of its own here (${made.unavailable}); it runs in the gateway's cgroup, at the priority its launch gave it`);
      this.ownCgroup = 'unavailable' in made ? 'unavailable' : made;
    }
    return this.ownCgroup === 'unavailable' ? null : this.ownCgroup.path;
  }

  /** Stops the worker after its runs end (graceful: it closes its pools), or kills it after `graceMs`. */
  private stopWorker(graceMs = 5_000): Promise<void> {
    const worker = this.worker;
    if (!worker) return this.stopping ?? Promise.resolve();
    this.stopping = new Promise<void>((resolve) => {
      if (worker.exitCode !== null || worker.signalCode !== null) return resolve();
      const kill = setTimeout(() => worker.kill('SIGKILL'), graceMs);
      worker.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.outbox.flush(); // what it was given runs before it closes
      this.send(worker, { type: 'close' });
    }).finally(() => { this.stopping = null; });
    this.detach(worker, 'exception');
    return this.stopping;
  }

  private ensureStarted(): ChildProcess | null {
    if (this.worker) return this.worker;
    if (Date.now() < this.notBefore || this.stopping) return null;
    // Its own process: its heap, its collector's threads and its crash are its own, and the whole of it runs
    // at the lowest CPU priority, in the gateway's session (worker/launch.ts says why not one of its own).
    // Its output goes where the gateway's goes; it ends with the gateway through the IPC channel.
    this.launch ??= workerLaunch(WORKER_NODE_ARGS);
    const { command, args } = this.launch;
    const worker = spawn(command, [...args, WORKER_ENTRY], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', env: process.env,
    });
    this.cgroup = this.placeWorker(worker);
    // Never what keeps the gateway's process alive (the IPC channel would).
    worker.unref();
    worker.channel?.unref();
    this.worker = worker;
    this.ready = false;
    this.workerWaitedMs = 0;
    this.starts++;
    this.send(worker, { type: 'start', config: this.opts.config, settings: this.opts.settings } satisfies ToWorker);
    worker.on('message', (msg: FromWorker) => this.receive(worker, msg));
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => this.checkDeadlines(worker), WATCHDOG_MS);
    this.watchdog.unref();
    worker.on('error', (err) => this.opts.onEvent?.('shadow replay worker failed; restarting it when needed', err));
    worker.on('exit', () => {
      if (this.worker !== worker) return; // stopped on purpose
      this.crashes++;
      this.crashesInARow++;
      this.notBefore = Date.now() + Math.min(1000 * 2 ** (this.crashesInARow - 1), MAX_BACKOFF_MS);
      this.detach(worker, 'exception');
    });
    return worker;
  }

  /**
   * Moves a new worker into the configured idle cgroup, before it has built anything (its threads started
   * later are born there). Refused (a missing or read-only cgroup): it runs where the gateway runs, and says so.
   */
  private placeWorker(worker: ChildProcess): CgroupPlacement | null {
    const dir = this.cgroupDir();
    if (!dir || worker.pid === undefined) return null;
    try {
      const placed = placeInCgroup(dir, worker.pid);
      if (!placed.idle) this.opts.onEvent?.(`shadow replay worker: the cgroup ${dir} is not idle (its cpu.idle is not 1); it gives the replay no lower priority`);
      return placed;
    } catch (err) {
      this.opts.onEvent?.(`shadow replay worker: the cgroup ${dir} refused it; it runs in the gateway's cgroup`, err);
      return null;
    }
  }

  private receive(worker: ChildProcess, msg: FromWorker): void {
    if (this.worker !== worker) return;
    if (msg.type === 'results') {
      for (const r of msg.results) this.settle(r.id, r.outcome);
    } else if (msg.type === 'ready') {
      this.ready = true;
      this.crashesInARow = 0;
      const now = this.workerNow(Date.now());
      for (const [, p] of this.pending.entries()) p.armedAt ??= now;
    } else {
      for (const answer of this.heapAsked.slice()) answer(msg.heap);
    }
  }

  /** Sends unless the channel is gone (the worker exiting: its 'exit' settles what it had). */
  private send(worker: ChildProcess, msg: ToWorker): void {
    if (worker.connected) worker.send(msg, (err) => { if (err) this.opts.onEvent?.('shadow replay worker: a message was not delivered', err); });
  }

  /** Forgets `worker`: its unanswered runs end now, errored for `reason`. */
  private detach(worker: ChildProcess, reason: 'exception' | 'timeout'): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.ready = false;
    this.outbox.take(); // samples not sent yet were the gone worker's: settled below with its other runs
    for (const answer of this.heapAsked.slice()) answer(null);
    for (const [id] of this.pending.entries()) this.settle(id, { kind: 'errored', reason, nativeStatus: null });
  }

  /** A run unanswered past its timeout plus a grace: that run timed out, and the worker is stuck (killed). */
  private checkDeadlines(worker: ChildProcess): void {
    if (this.worker !== worker) {
      clearInterval(this.watchdog);
      return;
    }
    // A run may wait up to maxWaitMs for the worker, then take up to timeoutMs, on the worker's clock: a
    // worker starved of CPU (ready, waiting for a core) is not stuck, and its runs end as `busy` themselves.
    this.workerWaitedMs = (worker.pid === undefined ? null : coreWaitMsOf(worker.pid)) ?? this.workerWaitedMs;
    const limit = this.workerNow(Date.now()) - (this.opts.settings.maxWaitMs + this.opts.settings.timeoutMs + STUCK_GRACE_MS);
    for (const [id, p] of this.pending.entries()) {
      if (p.armedAt === null || p.armedAt > limit) continue;
      this.settle(id, { kind: 'errored', reason: 'timeout', nativeStatus: null });
      this.opts.onEvent?.('shadow replay worker stopped answering; restarting it');
      this.detach(worker, 'timeout');
      worker.kill('SIGKILL');
      return;
    }
  }

  /** `now` less the time the worker's main thread waited for a core (as of the last watchdog tick). */
  private workerNow(now: number): number {
    return now - this.workerWaitedMs;
  }

  private settle(id: number, outcome: ReplayOutcome): void {
    const p = this.pending.get(id);
    if (!p) return; // already settled (timed out, or the worker went away)
    this.pending.delete(id);
    p.done(outcome);
  }
}

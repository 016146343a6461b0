// The replay worker is a process of its own (src/shadow/replay-host.ts): every thread of it runs at the
// lowest priority while the gateway's keep theirs; killing it costs the clients nothing and it is restarted;
// it never outlives the gateway that started it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { once } from 'node:events';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startStack, ALL_EXPRESS, type Stack } from '../faults/support/stack.ts';
import type { AppProcess } from '../../stack/apps.ts';
import { Client } from '../support/client.ts';
import { eventually } from '../support/wait.ts';
import { randomVin } from '../features/support/vehicles.ts';
import { REPLAY_NICE } from '../../src/shadow/worker/priority.ts';
import { createIdleCgroup, threadCgroups } from '../../stack/idle-cgroup.ts';
import { cpuHierarchy } from '../../src/shadow/worker/cgroup.ts';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { autogroupOf, SCHED_IDLE, SCHED_OTHER, sessionOf, threadNice, threadsNice, threadsPolicy, threadsSlice } from './support/threads.ts';
import { REPLAY_SLICE_NS } from '../../src/shadow/worker/slice.ts';

// The worker runs at the lowest priority: with CI's other suites on the same two cores a replay can wait, or
// be starved mid-run past the default 2 s timeout (then counted a native timeout); these tests are about the process.
const SHADOWED = {
  ...ALL_EXPRESS, VEHICLES_SHADOW_RATE: '100', SHADOW_NOISE_RATE: '0', SHADOW_FLUSH_MS: '200', SHADOW_MAX_WAIT_MS: '20000', SHADOW_TIMEOUT_MS: '10000',
};

interface ReplayView { running: boolean; ready: boolean; starts: number; crashes: number; pid: number | null; scheduling: string; cgroup: { path: string; idle: boolean } | null }

const run = promisify(execFile);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the shadow replay worker process (real processes)', { skip: process.platform !== 'linux' && 'reads /proc (Linux)' }, () => {
  let stack: Stack;
  let legacy: AppProcess;
  let gw: AppProcess;
  let user: Client;
  let vehicle: string;
  let adminToken: string;
  const adminOf = (g: AppProcess) => new Client(g.url, adminToken);
  const replayOf = async (g: AppProcess) => {
    const r = await adminOf(g).get('/admin/shadow');
    assert.equal(r.status, 200, r.text);
    return r.body.replay as ReplayView;
  };
  const readyWorker = (g: AppProcess, timeoutMs = 30_000) => eventually(async () => {
    const r = await replayOf(g);
    assert.ok(r.ready && r.pid !== null, `replay worker not ready: ${JSON.stringify(r)}`);
    return r as ReplayView & { pid: number };
  }, { timeoutMs, intervalMs: 200 });
  /** The worker that replaced `old` (killed or stopped) once `g` reports it ready: the host hears of an exit asynchronously. */
  const replacedWorker = (g: AppProcess, old: number) => eventually(async () => {
    const r = await readyWorker(g);
    assert.notEqual(r.pid, old, 'the old worker is still the one reported');
    return r;
  }, { timeoutMs: 30_000, intervalMs: 200 });
  /** The shadow report's tally of GET /api/vehicles/:id through `g` (undefined before its first outcome). */
  const vehicleRoute = async (g: AppProcess) => (await adminOf(g).get('/admin/shadow/vehicles')).body.routes.find((x: { route: string }) => x.route === 'GET /api/vehicles/:id');
  /** A fresh report, then one read through `g` whose native replay dev fault injection holds `holdMs`: when this returns the run is in flight. */
  const replayHeldInFlight = async (g: AppProcess, holdMs: number, inFlightAfterMs: number) => {
    const admin = adminOf(g);
    assert.equal((await admin.put('/dev/chaos/vehicles', { errors: 0, latencyMs: holdMs })).status, 200);
    assert.equal((await admin.del('/admin/shadow')).status, 200);
    assert.equal((await new Client(g.url, user.token).get(`/api/vehicles/${vehicle}`)).status, 200);
    await new Promise((res) => setTimeout(res, inFlightAfterMs));
  };
  /** Every thread of worker `pid` on core 0 under SCHED_IDLE, and a busy loop there in this session for `ms` (it ends itself, even if this process dies first). */
  const crowdCore0 = async (pid: number, ms: number) => {
    await run('taskset', ['-a', '-p', '-c', '0', String(pid)]);
    await run('chrt', ['-a', '-i', '-p', '0', String(pid)]);
    const spinner = spawn('taskset', ['-c', '0', process.execPath, '-e', `const end = Date.now() + ${ms}; while (Date.now() < end);`], { stdio: 'ignore' });
    return once(spinner, 'exit');
  };
  /** A read through `g` is compared by its (new) worker: the report counts it, matched. */
  const comparesAgain = async (g: AppProcess) => {
    const admin = adminOf(g);
    assert.equal((await admin.del('/admin/shadow')).status, 200);
    assert.equal((await new Client(g.url, user.token).get(`/api/vehicles/${vehicle}`)).status, 200);
    await eventually(async () => {
      const route = await vehicleRoute(g);
      assert.deepEqual([route?.compared, route?.matched], [1, 1], JSON.stringify(route));
    }, { timeoutMs: 20_000, intervalMs: 200 });
  };

  before(async () => {
    stack = await startStack({ label: 'replay_proc', env: SHADOWED });
    legacy = await stack.spawnLegacy();
    // No cgroup: the worker's own scheduling is what the first test reads (SHADOW_WORKER_CGROUP=auto has a test of its own).
    gw = await stack.spawnGateway(legacy.url, { SHADOW_WORKER_CGROUP: 'none' }, 'gateway (vehicles shadowed)');
    user = new Client(gw.url, (await stack.newUser()).token);
    adminToken = await stack.sign({ sub: 'replay-process-admin', permissions: ['admin:flags'] });
    const created = await user.post('/api/vehicles', { vin: randomVin(), nickname: 'replayed' });
    assert.equal(created.status, 201, created.text);
    vehicle = created.body.id;
  });
  after(async () => stack?.close());

  // perl and chrt are on every Debian machine (CI's and the image's); launch.test.ts covers their absence.
  test('every thread of the worker runs at the lowest priority it can get (SCHED_IDLE or nice 19 with a 100 ms slice, or SCHED_IDLE alone), in the gateway\'s session and autogroup; the gateway keeps its priority', async () => {
    const { pid, scheduling, cgroup } = await readyWorker(gw);
    assert.notEqual(pid, gw.pid);
    assert.equal(cgroup, null, 'SHADOW_WORKER_CGROUP=none: no cgroup of its own');
    const nice = threadsNice(pid);
    assert.ok(nice.size >= 5, `the worker's threads: ${nice.size}`);
    assert.deepEqual(new Set(nice.values()), new Set([REPLAY_NICE]), `nice by thread: ${JSON.stringify([...nice])}`);
    const policy = threadsPolicy(pid);
    // A kernel of 6.12 or later keeps a thread's own slice (this machine's and CI's); older ones get SCHED_IDLE.
    if (scheduling === 'SCHED_IDLE, 100 ms slice' || scheduling === 'nice 19, 100 ms slice') {
      const want = scheduling === 'SCHED_IDLE, 100 ms slice' ? SCHED_IDLE : SCHED_OTHER;
      assert.deepEqual(new Set(policy.values()), new Set([want]), `policy by thread: ${JSON.stringify([...policy])}`);
      const slices = threadsSlice(pid);
      assert.ok(slices.size >= 5, `the worker's threads' slices: ${JSON.stringify([...slices])}`);
      assert.deepEqual(new Set(slices.values()), new Set([REPLAY_SLICE_NS]), `slice by thread: ${JSON.stringify([...slices])}`);
    } else {
      assert.equal(scheduling, 'SCHED_IDLE', 'GET /admin/shadow → replay.scheduling');
      assert.deepEqual(new Set(policy.values()), new Set([SCHED_IDLE]), `policy by thread: ${JSON.stringify([...policy])}`);
    }
    // One group with the gateway: the scheduler compares their threads directly, so an idle one always gives way
    // (in a session of its own the worker was a group the clients' threads waited behind: launch.ts).
    assert.equal(sessionOf(pid), sessionOf(gw.pid), 'the worker is in the gateway\'s session');
    const [worker, gateway] = [autogroupOf(pid), autogroupOf(gw.pid)];
    // the gateway's autogroup is its session's at nice 0, or the root group ('') when it runs under a container's init
    if (gateway !== null) assert.match(gateway, /^$|^\/autogroup-\d+ nice 0$/, 'the gateway\'s autogroup');
    assert.equal(worker, gateway, 'one autogroup for both, its nice value left alone');
    assert.equal(threadNice(gw.pid, gw.pid), 0, "the gateway's event loop");
    assert.deepEqual(new Set(threadsPolicy(gw.pid).values()), new Set([SCHED_OTHER]), "the gateway's threads stay SCHED_OTHER");
    assert.ok(![...threadsSlice(gw.pid).values()].includes(REPLAY_SLICE_NS), "the gateway's threads keep the default slice");
  });

  test('SHADOW_WORKER_CGROUP: each worker runs in that idle cgroup, every thread of it; the gateway stays where it was', async (t) => {
    const made = createIdleCgroup(`mvp-replay-test-${process.pid}`);
    if ('unavailable' in made) return t.skip(`no cgroup to prepare here: ${made.unavailable}`);
    let placed: AppProcess | undefined;
    t.after(async () => {
      await placed?.stop(); // its worker leaves the cgroup with it
      await made.remove();
    });
    placed = await stack.spawnGateway(legacy.url, { SHADOW_WORKER_CGROUP: made.path }, 'gateway (idle cgroup)');
    const first = await readyWorker(placed);
    assert.deepEqual(first.cgroup, { path: made.path, idle: true }, 'GET /admin/shadow → replay.cgroup');
    const inside = `/${path.basename(made.path)}`;
    const cgroups = threadCgroups(first.pid);
    assert.ok(cgroups.size >= 5, `the worker's threads: ${cgroups.size}`);
    assert.deepEqual(new Set(cgroups.values()), new Set([inside]), `cgroup by thread: ${JSON.stringify([...cgroups])}`);
    assert.ok(![...threadCgroups(placed.pid).values()].includes(inside), 'the gateway is not in it');
    // A worker started again (after a crash) goes there too, and still compares.
    process.kill(first.pid, 'SIGKILL');
    const again = await replacedWorker(placed, first.pid);
    assert.deepEqual(new Set(threadCgroups(again.pid).values()), new Set([inside]));
    await comparesAgain(placed);
  });

  test('a SHADOW_WORKER_CGROUP the worker cannot join: it runs where the gateway runs, says so, and compares', async (t) => {
    const refused = await stack.spawnGateway(legacy.url, { SHADOW_WORKER_CGROUP: '/nonexistent/mvp-replay' }, 'gateway (refused cgroup)');
    t.after(() => refused.stop());
    const r = await readyWorker(refused);
    assert.equal(r.cgroup, null, 'GET /admin/shadow → replay.cgroup');
    await comparesAgain(refused);
    await eventually(async () => assert.match(refused.output(), /the cgroup \/nonexistent\/mvp-replay refused it/), { timeoutMs: 5000, intervalMs: 100 });
  });

  test('SHADOW_WORKER_CGROUP=auto (the default): the gateway makes an idle cgroup of its own for its workers, clears those of gateways gone, and removes its own when it stops', async (t) => {
    const probe = createIdleCgroup(`mvp-replay-auto-probe-${process.pid}`);
    if ('unavailable' in probe) return t.skip(`this process may not write the cgroup tree: ${probe.unavailable}`);
    await probe.remove();
    const where = cpuHierarchy();
    assert.ok(!('unavailable' in where));
    // What a gateway killed with its worker leaves behind: an empty cgroup named after a process that is gone.
    const ended = spawn(process.execPath, ['-e', '0']);
    await once(ended, 'exit');
    const abandoned = path.join(where.mount, where.own, `mvp-shadow-replay-${ended.pid}`);
    mkdirSync(abandoned);
    t.after(() => { if (existsSync(abandoned)) rmdirSync(abandoned); });
    const auto = await stack.spawnGateway(legacy.url, {}, 'gateway (auto cgroup)');
    t.after(() => auto.stop());
    const r = await readyWorker(auto);
    const own = path.join(where.mount, where.own, `mvp-shadow-replay-${auto.pid}`);
    assert.deepEqual(r.cgroup, { path: own, idle: true }, 'GET /admin/shadow → replay.cgroup');
    assert.equal(readFileSync(path.join(own, 'cpu.idle'), 'utf8').trim(), '1');
    const inside = path.join(where.own, path.basename(own));
    assert.deepEqual(new Set(threadCgroups(r.pid).values()), new Set([inside]), 'every thread of the worker');
    assert.ok(![...threadCgroups(auto.pid).values()].includes(inside), 'the gateway is not in it');
    assert.ok(!existsSync(abandoned), 'the cgroup of a gateway that is gone was removed');
    await comparesAgain(auto);
    await auto.stop();
    assert.ok(!existsSync(own), 'removed when the gateway stopped');
  });

  test('INT and TERM signals do not end the worker (the gateway ends it after draining)', async () => {
    const { pid, starts } = await readyWorker(gw);
    process.kill(pid, 'SIGINT');
    process.kill(pid, 'SIGTERM');
    await new Promise((res) => setTimeout(res, 500));
    assert.ok(alive(pid), 'the worker ended');
    const now = await replayOf(gw);
    assert.deepEqual([now.pid, now.starts, now.ready], [pid, starts, true]);
  });

  test('a killed worker costs the clients nothing: reads keep their answers, the worker comes back and compares again', async () => {
    const admin = adminOf(gw);
    const first = await readyWorker(gw);
    process.kill(first.pid, 'SIGKILL');
    for (let i = 0; i < 10; i++) {
      const r = await user.get(`/api/vehicles/${vehicle}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.nickname, 'replayed');
    }
    const back = await replacedWorker(gw, first.pid);
    assert.equal(back.crashes, first.crashes + 1);
    assert.equal((await admin.del('/admin/shadow')).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await user.get(`/api/vehicles/${vehicle}`)).status, 200);
    await eventually(async () => {
      const route = await vehicleRoute(gw);
      assert.equal(route?.compared, 5, JSON.stringify(route));
      assert.equal(route.mismatched, 0);
    }, { timeoutMs: 20_000, intervalMs: 200 });
  });

  test('a replay starved of CPU mid-run past its timeout is skipped as busy, never a native timeout the gate counts', async (t) => {
    // Dev fault injection holds each native replay 4 s, so a run is surely in flight when the worker is
    // stopped (SIGSTOP: no CPU at all, as the lowest priority gets under full load) past the 2 s timeout, and
    // cannot end in the few ms the run may be granted back for waiting for a core once resumed.
    const starved = await stack.spawnGateway(legacy.url, { DEV_TOOLS: 'true', SHADOW_TIMEOUT_MS: '2000' }, 'gateway (starved worker)');
    const { pid } = await readyWorker(starved);
    t.after(() => { if (alive(pid)) process.kill(pid, 'SIGCONT'); });
    const admin = adminOf(starved);
    try {
      await replayHeldInFlight(starved, 4000, 500);
      process.kill(pid, 'SIGSTOP');
      await new Promise((res) => setTimeout(res, 3000));
      process.kill(pid, 'SIGCONT');
      await eventually(async () => {
        const route = await vehicleRoute(starved);
        assert.deepEqual([route?.skippedBy, route?.erroredBy, route?.compared], [{ busy: 1 }, {}, 0], JSON.stringify(route));
      }, { timeoutMs: 10_000, intervalMs: 200 });
    } finally {
      await admin.del('/dev/chaos/vehicles');
      await starved.stop();
    }
  });

  test('a replay out-prioritised mid-run (a busy loop on its core) is compared once the core is free, never timed out', async (t) => {
    // The worker's threads and a busy loop share one core, all in this suite's session, and the worker is set
    // to SCHED_IDLE (whatever it was launched with): it gets a sliver a second or so and waits, ready, far past
    // the 2 s timeout. Time waiting for a core is granted back (up to SHADOW_MAX_WAIT_MS), so the run
    // completes once the loop ends and is compared. (With the 100 ms slice the worker may get one long sliver
    // and simply finish in time: not the case under test.)
    const crowded = await stack.spawnGateway(legacy.url, { DEV_TOOLS: 'true', SHADOW_TIMEOUT_MS: '2000' }, 'gateway (crowded worker)');
    t.after(() => crowded.stop());
    const { pid } = await readyWorker(crowded);
    const admin = adminOf(crowded);
    await replayHeldInFlight(crowded, 1000, 300);
    const spun = crowdCore0(pid, 3500);
    await new Promise((res) => setTimeout(res, 3200));
    const during = await vehicleRoute(crowded);
    await spun;
    assert.equal(during?.compared ?? 0, 0, `the run finished while the core was taken: nothing was tested (${JSON.stringify(during)})`);
    await eventually(async () => {
      const route = await vehicleRoute(crowded);
      assert.deepEqual([route?.compared, route?.matched, route?.skippedBy, route?.erroredBy], [1, 1, {}, {}], JSON.stringify(route));
    }, { timeoutMs: 15_000, intervalMs: 200 });
    assert.equal((await admin.del('/dev/chaos/vehicles')).status, 200);
  });

  test('a worker starved past the stuck-run watchdog\'s limit is not taken for stuck: kept, its run never a native error', async (t) => {
    // The default wait and timeout (0.5 s + 2 s, plus the watchdog's 1 s grace): a worker out-prioritised on
    // its core for 5 s has a run unanswered past that limit, yet it is waiting for a core, not stuck. Once
    // the core is free the run gets back up to the 0.5 s it did not wait in the queue: it ends compared (its
    // query answers in time) or skipped busy, never a timeout.
    const crowded = await stack.spawnGateway(legacy.url, { DEV_TOOLS: 'true', SHADOW_TIMEOUT_MS: '2000', SHADOW_MAX_WAIT_MS: '500' }, 'gateway (starved, not stuck)');
    t.after(() => crowded.stop());
    const before = await readyWorker(crowded);
    const admin = adminOf(crowded);
    await replayHeldInFlight(crowded, 1000, 300);
    await crowdCore0(before.pid, 5000);
    await eventually(async () => {
      const route = await vehicleRoute(crowded);
      assert.deepEqual([route?.erroredBy, route?.compared + (route?.skippedBy.busy ?? 0), route?.mismatched], [{}, 1, 0], JSON.stringify(route));
    }, { timeoutMs: 10_000, intervalMs: 200 });
    const after = await replayOf(crowded);
    assert.deepEqual([after.pid, after.crashes, after.starts], [before.pid, before.crashes, before.starts], 'the worker was not restarted');
    assert.equal((await admin.del('/dev/chaos/vehicles')).status, 200);
  });

  test('a worker that stops answering without waiting for a core (stopped outright) is taken for stuck: killed and restarted', async (t) => {
    const frozen = await stack.spawnGateway(legacy.url, { DEV_TOOLS: 'true', SHADOW_TIMEOUT_MS: '2000', SHADOW_MAX_WAIT_MS: '500' }, 'gateway (stuck worker)');
    t.after(() => frozen.stop());
    const before = await readyWorker(frozen);
    t.after(() => { if (alive(before.pid)) process.kill(before.pid, 'SIGCONT'); });
    const admin = adminOf(frozen);
    await replayHeldInFlight(frozen, 1000, 300);
    process.kill(before.pid, 'SIGSTOP'); // no CPU and no wait for one: past 0.5 + 2 + 1 s the watchdog gives up on it
    const back = await replacedWorker(frozen, before.pid);
    assert.equal(back.starts, before.starts + 1, 'restarted (a kill by the watchdog is not counted as a crash)');
    await eventually(async () => assert.equal(alive(before.pid), false, 'the stuck worker was killed'), { timeoutMs: 5000, intervalMs: 100 });
    const route = await vehicleRoute(frozen);
    assert.deepEqual(route?.erroredBy, { timeout: 1 }, JSON.stringify(route));
    assert.equal((await admin.del('/dev/chaos/vehicles')).status, 200);
  });

  test('the worker never outlives its gateway: a gateway killed outright takes it along', async (t) => {
    const doomed = await stack.spawnGateway(legacy.url, {}, 'gateway (killed)');
    const { pid } = await readyWorker(doomed);
    assert.ok(alive(pid));
    // A worker left behind would hold the gateway's output pipes open (and the stack's close with them).
    t.after(() => { if (alive(pid)) process.kill(pid, 'SIGKILL'); });
    const gone = once(doomed.child, 'exit');
    doomed.signal('SIGKILL');
    await gone;
    await eventually(async () => assert.equal(alive(pid), false, `worker ${pid} still runs`), { timeoutMs: 10_000, intervalMs: 100 });
  });
});

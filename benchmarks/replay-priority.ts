// How late a normal-priority thread is woken while a bursty low-priority load (like the shadow replay worker)
// keeps both cores busy, for each way of lowering that load's priority (docs/shadow.md, "The worker's
// priority"): the measurer sleeps 0.5 ms thousands of times, in this script's session (gateway, Express) and
// in a session of its own (PostgreSQL). Raw results: benchmarks/results/replay-priority.json.
//   node_modules/.bin/node benchmarks/replay-priority.ts [--reps 3] [--samples 4000] [--loads 2]
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIdleCgroup } from '../stack/idle-cgroup.ts';
import { findExecutable } from '../src/shadow/worker/launch.ts';
import { median } from './summary.ts';
import { REPLAY_NICE } from '../src/shadow/worker/priority.ts';
import { sliceProgram } from '../src/shadow/worker/slice.ts';

const self = fileURLToPath(import.meta.url);
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

if (process.argv.includes('--burst')) {
  process.stdout.write('ready\n');
  for (;;) {
    const end = performance.now() + 1;
    while (performance.now() < end);
    sleep(3);
  }
}

interface Stats { p50: number; p99: number; p999: number; max: number }
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

if (process.argv.includes('--measure')) {
  const late: number[] = [];
  for (let i = arg('--measure', 4000); i > 0; i--) {
    const t0 = process.hrtime.bigint();
    sleep(0.5);
    const t1 = process.hrtime.bigint();
    late.push(Number(t1 - t0) / 1000 - 500);
    const end = t1 + 150_000n;
    while (process.hrtime.bigint() < end);
  }
  late.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  const stats: Stats = { p50: round(pct(late, 0.5)), p99: round(pct(late, 0.99)), p999: round(pct(late, 0.999)), max: round(late[late.length - 1]) };
  process.stdout.write(`${JSON.stringify(stats)}\n`);
  process.exit(0);
}

const works = (cmd: string, args: string[]) => findExecutable(cmd, process.env.PATH ?? '') !== null && spawnSync(cmd, args).status === 0;
const hasSetsid = works('setsid', ['true']);
const hasChrt = works('chrt', ['--idle', '0', 'true']);

interface Setting { name: string; cmd: string[]; autogroup?: boolean; cgroup?: boolean; skip?: string }
const node = process.execPath;
const idle = ['chrt', '--idle', '0', 'nice', '-n', '19'];
/** The replay worker's launch: nice 19 and a 100 ms slice through perl (src/shadow/worker/slice.ts). */
const slice = sliceProgram(REPLAY_NICE);
const noSlice = slice && works('perl', ['-e', slice, 'perl', '-e', '1']) ? undefined : 'perl missing, or the kernel keeps no slice of a thread\'s own (before 6.12)';
/** The same slice, then SCHED_IDLE (the worker's launch where the kernel allows it). */
const idleSlice = sliceProgram(REPLAY_NICE, process.arch, true);
const noIdleSlice = idleSlice && works('perl', ['-e', idleSlice, 'perl', '-e', '1']) ? undefined : 'perl missing, no slice of a thread\'s own, or SCHED_IDLE refused';
const cgroup = createIdleCgroup(`mvp-replay-priority-probe-${process.pid}`);
const noSetsid = hasSetsid ? undefined : 'setsid missing or refused';
const noChrt = hasChrt ? undefined : 'chrt missing or SCHED_IDLE refused';
const settings: Setting[] = [
  { name: 'none', cmd: [] },
  { name: 'normal', cmd: [node, self, '--burst'] },
  { name: 'nice 19, own session', cmd: ['setsid', 'nice', '-n', '19', node, self, '--burst'], autogroup: true, skip: noSetsid },
  { name: 'SCHED_IDLE, own session', cmd: ['setsid', ...idle, node, self, '--burst'], autogroup: true, skip: noSetsid ?? noChrt },
  { name: 'nice 19, same session', cmd: ['nice', '-n', '19', node, self, '--burst'] },
  { name: 'SCHED_IDLE, same session', cmd: [...idle, node, self, '--burst'], skip: noChrt },
  { name: 'nice 19 + 100 ms slice, same session', cmd: ['perl', '-e', slice ?? '', node, self, '--burst'], skip: noSlice },
  { name: 'SCHED_IDLE + 100 ms slice, same session', cmd: ['perl', '-e', idleSlice ?? '', node, self, '--burst'], skip: noIdleSlice },
  { name: 'idle cgroup', cmd: [...idle, node, self, '--burst'], cgroup: true, skip: noChrt ?? ('unavailable' in cgroup ? cgroup.unavailable : undefined) },
];
const places = hasSetsid ? ['same session', 'own session'] : ['same session'];

const live = new Set<ChildProcess>();
process.on('exit', () => { for (const child of live) child.kill('SIGKILL'); });
process.on('SIGINT', () => process.exit(130));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts one load process and resolves once it runs (after setsid, so its autogroup is its own). */
function startLoad(setting: Setting): Promise<ChildProcess> {
  const [cmd, ...args] = setting.cmd;
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  live.add(child);
  child.on('exit', () => live.delete(child));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout?.once('data', () => {
      const pid = String(child.pid);
      if (setting.autogroup) try { writeFileSync(`/proc/${pid}/autogroup`, '19'); } catch {}
      if (setting.cgroup && 'add' in cgroup) cgroup.add(Number(pid));
      resolve(child);
    });
  });
}

function stopLoad(child: ChildProcess): Promise<void> {
  if (!live.has(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function measure(place: string, samples: number): Promise<Stats> {
  const [cmd, ...args] = place === 'own session' ? ['setsid', '-w', node, self] : [node, self];
  return new Promise((resolve, reject) => {
    execFile(cmd, [...args, '--measure', String(samples)], (err, stdout) => {
      if (err) reject(err);
      else {
        const stats: Stats = JSON.parse(stdout);
        resolve(stats);
      }
    });
  });
}

interface Run extends Stats { rep: number; place: string; setting: string }
const reps = arg('--reps', 3);
const samples = arg('--samples', 4000);
/** Load processes: 2 keep both cores of a 2-core machine busy in bursts; 1 leaves a core free, as a lone replay worker does. */
const loadCount = arg('--loads', 2);
const runs: Run[] = [];
for (let rep = 1; rep <= reps; rep++) {
  for (const place of places) {
    for (const setting of settings) {
      if (setting.skip) continue;
      const loads = setting.cmd.length ? await Promise.all(Array.from({ length: loadCount }, () => startLoad(setting))) : [];
      await pause(500);
      const stats = await measure(place, samples);
      await Promise.all(loads.map(stopLoad));
      await pause(300);
      runs.push({ rep, place, setting: setting.name, ...stats });
      console.error(`rep ${rep} ${place} / ${setting.name}: p99 ${stats.p99} µs`);
    }
  }
}
if ('remove' in cgroup) await cgroup.remove();

console.log(`\n${samples} wake-ups of 0.5 ms per measurement, ${loadCount} load process(es), lateness in µs\n`);
console.log('| setting | measurer place | p99 per rep (µs) | median p99 | median p99.9 |\n|---|---|---|---|---|');
for (const setting of settings) {
  if (setting.skip) { console.log(`| ${setting.name} | — | skipped: ${setting.skip} | | |`); continue; }
  for (const place of places) {
    const mine = runs.filter((r) => r.setting === setting.name && r.place === place);
    console.log(`| ${setting.name} | ${place} | ${mine.map((r) => r.p99).join(', ')} | ${median(mine.map((r) => r.p99))} | ${median(mine.map((r) => r.p999))} |`);
  }
}
const skipped = settings.filter((s) => s.skip).map((s) => ({ setting: s.name, reason: s.skip }));
const out = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'replay-priority.json'), `${JSON.stringify({ date: new Date().toISOString(), samples, reps, loads: loadCount, skipped, runs }, null, 2)}\n`);

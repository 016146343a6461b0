// `make bench` (node benchmarks/run.ts) / `make bench QUICK=1` (--quick): seeds the data set, starts the
// legacy Express app, two gateways (every flag express / every flag fastify) and the bare node:http floor
// (benchmarks/floor/server.ts), all from the production build (dist/, rebuilt first when stale), measures
// every scenario on the four paths interleaved, draws every server's memory curve, writes
// benchmarks/results/*.json and STATUS.md.
//
// Options: --quick, --rounds N, --duration S, --warmup S, --connections N, --users N,
//          --scenarios a,b  --paths express-direct,gateway-proxy,gateway-native,floor
//          --source (run the .ts sources with type stripping instead of the build, for comparison)
//          --cool-down S (idle seconds after the last measurement, to see whether memory returns)
//          --idle S (seconds after start, /health probed meanwhile, before idle RSS is read; full 30, quick 1)
//          --cpu-prof[=native|all]  (V8 CPU profiles of the gateway(s) into benchmarks/results/profiles/)
//          --node-args="--max-semi-space-size=8 …" (extra Node flags for all three servers, for experiments)
//          --no-status (do not rewrite STATUS.md; implied by --scenarios and --paths)
//          --report-only (no measurement: re-render STATUS.md from the newest full run in benchmarks/results/ and
//          the cross-checks run since; make bench does this after the cross-checks)
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { migrateUp } from '../src/db/migrate.ts';
import { FEATURES, flagEnv, type FeatureName } from '../flags/registry.ts';
import { setUpEnvironment, RATE_LIMIT_MAX, type BenchEnvironment } from './environment.ts';
import { rssBytes } from './processes.ts';
import { appEntry, GATEWAY_ENV_FILE, killAllAppsNow, spawnApp, stopAllApps, type AppKind, type AppProcess } from '../stack/apps.ts';
import { IDLE_PROBE_SECONDS, memoryFile, MEMORY_INTERVAL_MS, readCurve, type Phase } from './memory.ts';
import { seed, USER_PREFIX } from './seed.ts';
import { expectedBackend, floorServes, PATHS, SCENARIOS, STATION_POINTS, WRITE_MARKER, type BenchUser, type PathName, type Scenario } from './scenarios.ts';
import { measure } from './measure.ts';
import { mb, PROCESS_NAMES, SERVERS_OF, summarise, type RoundResult } from './summary.ts';
import { newestResults, renderStatus, targetsOf, writeResults, type RunMeta, type RunRecord } from './report.ts';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const BENCH = join(ROOT, 'benchmarks');
const RESULTS = join(BENCH, 'results');

// A bare `--cpu-prof` means the native gateway only.
const argv = process.argv.slice(2).map((a) => (a === '--cpu-prof' ? '--cpu-prof=native' : a));
const { values: args } = parseArgs({
  args: argv,
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    users: { type: 'string' },
    scenarios: { type: 'string' },
    paths: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'node-args': { type: 'string' },
    'no-status': { type: 'boolean', default: false },
    'report-only': { type: 'boolean', default: false },
    source: { type: 'boolean', default: false },
    'cool-down': { type: 'string' },
    idle: { type: 'string' },
  },
  allowPositionals: false,
});
const cpuProf = args['cpu-prof'];
if (cpuProf !== undefined && cpuProf !== 'native' && cpuProf !== 'all') fail('--cpu-prof takes native or all');

const quick = args.quick;
const opt = {
  rounds: Number(args.rounds ?? (quick ? 1 : 3)),
  duration: Number(args.duration ?? (quick ? 3 : 6)),
  warmupFirst: Number(args.warmup ?? (quick ? 1 : 3)),
  warmupLater: Number(args.warmup ?? 1),
  connections: Number(args.connections ?? 50),
  users: Number(args.users ?? 300),
  // Full runs: long enough to see whether V8 gives memory back on its own once the load stops.
  coolDown: Number(args['cool-down'] ?? (quick ? 4 : 30)),
  // Idle RSS is read this long after start, every server probed on /health meanwhile as a load balancer
  // would: an idle process's periodic work (timers, probes) moves its memory in the first seconds.
  idle: Number(args.idle ?? (quick ? 1 : 30)),
};
const scenarioFilter = args.scenarios?.split(',').map((s) => s.trim());
const pathFilter = args.paths?.split(',').map((s) => s.trim()) as PathName[] | undefined;
for (const s of scenarioFilter ?? []) if (!SCENARIOS.some((x) => x.name === s)) fail(`unknown scenario "${s}" (${SCENARIOS.map((x) => x.name).join(', ')})`);
for (const p of pathFilter ?? []) if (!PATHS.includes(p)) fail(`unknown path "${p}" (${PATHS.join(', ')})`);

function fail(msg: string): never {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

const log = (m: string) => console.log(`[bench] ${m}`);

// ---- Ctrl-C: children first --------------------------------------------------------------------
let env: BenchEnvironment | undefined;
let logDir: string | undefined;
let stopping = false;
async function shutdown(code: number, removeLogs = false): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stopAllApps(8000).catch(() => {});
    await env?.close().catch(() => {});
    if (removeLogs && logDir) await rm(logDir, { recursive: true, force: true }).catch(() => {});
  }
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.error(`\n[bench] ${sig}: stopping the server processes`);
    void shutdown(130, true);
  });
}
process.on('exit', () => killAllAppsNow());

// ---- what can be measured right now -------------------------------------------------------------
function nativeAvailable(f: FeatureName): boolean {
  return existsSync(join(ROOT, 'fastify-features', f, 'index.ts'));
}
function legacyAvailable(f: FeatureName): boolean {
  const file = join(ROOT, 'legacy-express', 'routes', `${f}.ts`);
  return existsSync(file) && !/PLACEHOLDER/.test(readFileSync(file, 'utf8').slice(0, 200));
}

function machine(): RunMeta['machine'] {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  return { cores: cpus().length, model, memoryBytes: totalmem(), kernel: release() };
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const notes: string[] = [];
  // read by appEntry(); `make bench` builds first, --source runs the TypeScript sources instead
  process.env.APPS_FROM = args.source ? 'source' : 'build';
  if (args.source) notes.push('servers ran from the TypeScript sources (--source: Node type stripping), not the production build.');
  const entry = appEntry('gateway').endsWith('.js') ? 'dist' : 'source';
  log(`servers run ${entry === 'dist' ? 'the production build (dist/)' : 'the TypeScript sources'}`);
  log(`Node ${process.version} (${process.execPath}); ${quick ? 'quick' : 'full'} run: ${opt.rounds} round(s) x ${opt.duration} s, ${opt.connections} connections`);

  const tmpDir = await mkdtemp(join(tmpdir(), 'mvp-bench-'));
  logDir = tmpDir;
  const environment = await setUpEnvironment({ tmpDir, log });
  env = environment;
  log(`PostgreSQL: ${env.databaseSource === 'embedded' ? 'embedded' : 'DATABASE_URL'}; ${env.redisNote}`);

  await migrateUp(env.databaseUrl);
  const seeded = await seed(env.databaseUrl, { users: opt.users });
  log(`seeded ${Object.entries(seeded.counts).map(([k, v]) => `${v} ${k}`).join(', ')} in ${seeded.ms} ms`);
  const users: BenchUser[] = await Promise.all(seeded.users.map(async (u) => ({ ...u, token: await environment.sign(u.sub) })));

  // ---- processes ----
  const native = new Set(FEATURES.map((f) => f.name).filter(nativeAvailable));
  const legacyOk = new Set(FEATURES.map((f) => f.name).filter(legacyAvailable));
  for (const f of FEATURES) {
    if (!native.has(f.name)) notes.push(`${f.name}: no native capsule yet — the "fastify" gateway serves it through the proxy, native path not measured.`);
    if (!legacyOk.has(f.name)) notes.push(`${f.name}: legacy Express router is still a placeholder — Express paths not measured.`);
  }
  const flagsA = flagEnv('express');
  const flagsB = flagEnv('fastify', native);
  const profDir = join(RESULTS, 'profiles');
  if (cpuProf) await mkdir(profDir, { recursive: true });
  const extra = args['node-args']?.split(/\s+/).filter(Boolean) ?? [];
  if (extra.length) notes.push(`servers started with extra Node flags: ${extra.join(' ')}`);
  const prof = (which: 'native' | 'all') => [...extra, ...(cpuProf === 'all' || cpuProf === which ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])];

  // Started one after the other, each waited for until healthy (a 200 from /health).
  // Every server preloads the memory probe (RSS + V8 heap every MEMORY_INTERVAL_MS into a file of tmpDir).
  const probe = appEntry('floor').replace(/server\.(ts|js)$/, (_m, ext: string) => `memory-probe.${ext}`);
  const start = (kind: AppKind, name: string, env: Record<string, string>, nodeArgs: string[]) =>
    spawnApp(kind, {
      name, nodeArgs: [`--import=${probe}`, ...nodeArgs], output: { file: join(tmpDir, `${name}.log`) }, requireHealthy: true, readyTimeoutMs: 60_000,
      env: { ...env, BENCH_MEMORY_FILE: memoryFile(tmpDir, name), BENCH_MEMORY_INTERVAL_MS: String(MEMORY_INTERVAL_MS) },
    });
  const legacy = await start('legacy', PROCESS_NAMES.legacy, env.serverEnv, prof('all'));
  const gwExpress = await start('gateway', PROCESS_NAMES.proxy, { ...env.serverEnv, LEGACY_URL: legacy.url, ...flagsA }, prof('all'));
  const gwFastify = await start('gateway', PROCESS_NAMES.native, { ...env.serverEnv, LEGACY_URL: legacy.url, ...flagsB }, prof('native'));
  const floor = await start('floor', PROCESS_NAMES.floor, env.serverEnv, prof('all'));
  const all = [legacy, gwExpress, gwFastify, floor];
  const phases: Phase[] = [{ t: Date.now(), label: 'idle' }];
  log(`healthy: ${all.map((p) => `${p.name} pid ${p.pid} ${p.url}`).join(', ')}`);

  const gatewayFlags: RunMeta['gatewayFlags'] = {};
  // /health shows the flags to an admin only (strangers get the status word).
  const admin = { authorization: `Bearer ${await env.sign('bench-admin', ['admin:flags'])}` };
  for (const [gw, wanted] of [[gwExpress, flagsA], [gwFastify, flagsB]] as const) {
    const health = (await (await fetch(`${gw.url}/health`, { headers: admin })).json()) as { features: Record<string, { backend: string; source: string }> };
    gatewayFlags[gw.name] = Object.fromEntries(Object.entries(health.features).map(([f, s]) => [f, s.backend]));
    for (const f of FEATURES) {
      const s = health.features[f.name];
      if (s?.source === 'override' || s?.backend !== wanted[f.envVar]) {
        const msg = `${gw.name} serves ${f.name} on ${s?.backend} (source ${s?.source}) instead of ${wanted[f.envVar]}: a runtime flag override is set in this database — clear it (make unflip) for a meaningful run.`;
        notes.push(msg);
        log(`WARNING ${msg}`);
      }
    }
  }

  const db = new pg.Pool({ connectionString: env.databaseUrl, max: 2 });
  const users0 = users[0];
  // Warm the station-search cache (keys are shared by both backends), so the measured path is the cached one.
  const stationsVia = legacyOk.has('stations') ? legacy : native.has('stations') ? gwFastify : undefined;
  if (stationsVia) {
    for (const p of STATION_POINTS) {
      const res = await fetch(`${stationsVia.url}/api/stations/search?lat=${p.lat}&lng=${p.lng}`, { headers: { authorization: `Bearer ${users0.token}` } });
      if (res.status !== 200) notes.push(`station search warm-up answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      else await res.arrayBuffer();
    }
    if (!env.redisUrl) notes.push('REDIS_URL not set: station search and fuel stats are NOT cached in this run.');
  }

  for (let waited = 0; waited < opt.idle; waited += IDLE_PROBE_SECONDS) {
    await sleep(Math.min(IDLE_PROBE_SECONDS, opt.idle - waited) * 1000);
    await Promise.all(all.map((p) => fetch(`${p.url}/health`).then((r) => r.arrayBuffer(), () => undefined)));
  }
  const idleRss = Object.fromEntries(all.map((p) => [p.name, rssBytes(p.pid)]));
  const urlOf: Record<PathName, AppProcess> = { 'express-direct': legacy, 'gateway-proxy': gwExpress, 'gateway-native': gwFastify, floor };

  const runnable = (s: Scenario, path: PathName): boolean => {
    if (scenarioFilter && !scenarioFilter.includes(s.name)) return false;
    if (pathFilter && !pathFilter.includes(path)) return false;
    if (path === 'floor') return floorServes(s);
    if (!s.feature) return true;
    return path === 'gateway-native' ? native.has(s.feature) : legacyOk.has(s.feature);
  };
  const specsByName = new Map(SCENARIOS.map((s) => [s.name, s.requests(users)]));
  const specsOf = (name: string) => {
    const specs = specsByName.get(name);
    if (!specs) throw new Error(`no requests for scenario ${name}`);
    return specs;
  };
  const cleanWrites = () => db.query(`DELETE FROM fuel_logs WHERE user_id LIKE $1 AND notes = $2`, [`${USER_PREFIX}%`, WRITE_MARKER]);

  const results: RoundResult[] = [];
  for (let round = 1; round <= opt.rounds; round++) {
    // Round 1 runs the paths in the order Express direct, proxy, native, floor; later rounds rotate the order
    // so that no path always comes first (or last) after a scenario change.
    const order = PATHS.map((_, i) => PATHS[(i + round - 1) % PATHS.length]);
    for (const s of SCENARIOS) {
      for (const path of order) {
        if (!runnable(s, path)) continue;
        const base = {
          url: urlOf[path].url,
          specs: specsOf(s.name),
          connections: opt.connections,
          expectBackend: expectedBackend(s, path),
          sampled: all,
          servers: SERVERS_OF[path],
        };
        phases.push({ t: Date.now(), label: `${s.name} ${path}` });
        const warm = await measure({ ...base, durationSeconds: round === 1 ? opt.warmupFirst : opt.warmupLater });
        const m = await measure({ ...base, durationSeconds: opt.duration });
        if (s.kind === 'write') await cleanWrites();
        results.push({
          round, scenario: s.name, path,
          warmup: { responses: warm.responses, non2xx: warm.non2xx, errors: warm.errors, backendMismatches: warm.backendMismatches },
          measurement: m,
        });
        const bad = m.non2xx + m.errors + m.backendMismatches;
        const rss = m.processes.filter((p) => SERVERS_OF[path].includes(p.name)).map((p) => `${mb(p.peakRssBytes)}`).join('+');
        log(`[${round}/${opt.rounds}] ${s.name.padEnd(20)} ${path.padEnd(14)} ${String(Math.round(m.reqPerSec)).padStart(6)} req/s  p50 ${m.latencyMs.p50.toFixed(1).padStart(6)}  p99 ${m.latencyMs.p99.toFixed(1).padStart(6)} ms  server CPU ${m.serverCpuSeconds.toFixed(2)} s → ${String(m.reqPerServerCpuSecond).padStart(6)} req/CPU-s  RSS ${rss} MB  pg ${m.postgresCpuSeconds.toFixed(1)} other ${m.otherCpuSeconds.toFixed(1)} s${bad ? `  FAILED ${bad}: ${m.failureSamples[0] ?? ''}` : ''}`);
      }
    }
  }
  await db.end();
  // Idle again: does the memory come back?
  phases.push({ t: Date.now(), label: 'cool-down' });
  log(`cool-down: ${opt.coolDown} s without load`);
  await sleep(opt.coolDown * 1000);
  phases.push({ t: Date.now(), label: 'end' });
  const memory = readCurve(tmpDir, all.map((p) => p.name), phases);

  const summary = summarise(results, memory);
  const meta: RunMeta = {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    command: `node benchmarks/run.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    rounds: opt.rounds,
    durationSeconds: opt.duration,
    warmupSeconds: { first: opt.warmupFirst, later: opt.warmupLater },
    coolDownSeconds: opt.coolDown,
    idleSeconds: opt.idle,
    connections: opt.connections,
    node: process.version,
    machine: machine(),
    dataset: seeded.counts,
    database: env.databaseSource === 'embedded' ? 'embedded (DATABASE_URL not set)' : `DATABASE_URL (${new URL(env.databaseUrl).host}${new URL(env.databaseUrl).pathname})`,
    redis: env.redisNote,
    rateLimitMax: RATE_LIMIT_MAX,
    gatewayFlags,
    idleRss,
    entry,
    gatewayNodeOptions: parseEnv(readFileSync(join(ROOT, GATEWAY_ENV_FILE), 'utf8')).NODE_OPTIONS ?? '',
    notes,
  };
  const record: RunRecord = { meta, results, summary, memory };
  const partial = Boolean(scenarioFilter || pathFilter || args['no-status']);
  const file = await writeResults(RESULTS, record, partial);
  log(`results: ${relative(ROOT, file)} (benchmarks/results/ is not in git)${partial ? '; partial run: STATUS.md left alone' : ''}`);
  if (!partial) {
    await writeFile(join(ROOT, 'STATUS.md'), renderStatus(record, { parityFile: join(ROOT, '.data', 'parity-latest.json'), resultsFile: relative(ROOT, file) }));
    log('STATUS.md written');
  }
  logTargets(record);
  if (summary.totalFailures) log(`WARNING: ${summary.totalFailures} measured requests failed (non-2xx / errors / wrong backend)`);

  await stopAllApps(8000);
  if (cpuProf) log(`CPU profiles: ${relative(ROOT, profDir)}/`);
  await env.close();
  await rm(tmpDir, { recursive: true, force: true });
}

/** Every target of the run, met or missed (and by how much), on the console. */
function logTargets(record: RunRecord): void {
  for (const t of targetsOf(record)) log(`target ${t.met === null ? 'not measured' : t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${t.detail}${t.missedBy ? ` — missed by ${t.missedBy}` : ''}`);
}

async function reportOnly(): Promise<void> {
  const file = newestResults(RESULTS);
  if (!file) fail('no full run in benchmarks/results/ yet: run `make bench` first');
  const record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  record.summary = summarise(record.results, record.memory);
  await writeFile(join(ROOT, 'STATUS.md'), renderStatus(record, {
    parityFile: join(ROOT, '.data', 'parity-latest.json'), resultsFile: relative(ROOT, file), renderedAt: new Date().toISOString(),
  }));
  log(`STATUS.md re-rendered from ${relative(ROOT, file)} (run of ${record.meta.startedAt}), with the cross-checks run since`);
  logTargets(record);
}

(args['report-only'] ? reportOnly() : main()).catch(async (err) => {
  console.error(`[bench] failed: ${(err as Error).stack ?? err}`);
  if (logDir) console.error(`[bench] server logs kept in ${logDir}`);
  await shutdown(1);
});

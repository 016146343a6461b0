// Paired A/B: several server variants loaded at the same time, each by its own share of the connections,
// so every variant sees the same machine noise; the CPU each spends per request is compared within each
// round (ratio to the first variant), and the medians over rounds are printed. On a shared 2-core machine
// a change of a few percent is invisible to `make bench` (one path after the other: ±30% between identical
// runs) and visible here (identical variants agree within ~5%). For diagnosis, not for STATUS.md.
//
//   node benchmarks/paired.ts [--scenarios stations-search,vehicles-list] [--rounds 5] [--duration 4]
//        [--connections 50] [--users 300] [--vehicles-per-user 20] [--pause S] [--json FILE] VARIANT...
//
// VARIANT is name=kind[@root][:node-flag,node-flag…][+VAR=value,VAR=value…]
//   kind  native         the gateway, every feature on its capsule (flags fastify)
//         proxied        the gateway proxying every feature to one legacy app the run starts (flags express);
//                        only the gateway's CPU is counted, so variants compare the proxy's own cost
//         floor          the feature reads on bare node:http (benchmarks/floor/server.ts)
//         fastify-floor  the same on bare Fastify (benchmarks/floor/fastify-server.ts)
//         proxy-floor    forwarding to the shared legacy app on bare node:http + undici (floor/proxy-server.ts)
//         express        the legacy Express app answering directly (Node's default flags, as in make bench)
//   root  another build's dist/ (e.g. a copy taken before a change) instead of this checkout's
//   flags win over the production ones (deploy/gateway.env: the command line beats NODE_OPTIONS)
//   +VARs are added to the variant's environment (e.g. +MALLOC_ARENA_MAX=2)
// e.g. node benchmarks/paired.ts before=native@/tmp/dist-before after=native floor=floor
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrateUp } from '../src/db/migrate.ts';
import { flagEnv } from '../flags/registry.ts';
import { appEntry, REPO_ROOT, spawnApp, stopAllApps, type AppProcess } from '../stack/apps.ts';
import { setUpEnvironment } from './environment.ts';
import { measure } from './measure.ts';
import { rssBytes } from './processes.ts';
import { seed } from './seed.ts';
import { SCENARIOS, type BenchUser, type RequestSpec } from './scenarios.ts';
import { median } from './summary.ts';

const { values: opts, positionals } = parseArgs({
  options: {
    scenarios: { type: 'string', default: 'stations-search,vehicles-list' },
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '4' },
    connections: { type: 'string', default: '50' },
    users: { type: 'string', default: '300' },
    'vehicles-per-user': { type: 'string' }, // e.g. 20, or 2-4 (the seed's default)
    pause: { type: 'string', default: '0' }, // seconds without load before each round (as make bench leaves a server idle while the other paths run)
    json: { type: 'string' }, // also write the results there (make bench: results/paired-latest.json, shown in STATUS.md)
  },
  allowPositionals: true,
});

const KINDS = {
  native: { kind: 'gateway', file: 'src/server' },
  proxied: { kind: 'gateway', file: 'src/server' },
  floor: { kind: 'floor', file: 'benchmarks/floor/server' },
  'fastify-floor': { kind: 'floor', file: 'benchmarks/floor/fastify-server' },
  'proxy-floor': { kind: 'floor', file: 'benchmarks/floor/proxy-server' },
  express: { kind: 'legacy', file: 'legacy-express/server' },
} as const;
type KindName = keyof typeof KINDS;

interface Variant { name: string; kind: KindName; entry: string; nodeArgs: string[]; env: Record<string, string> }

function parseVariant(spec: string): Variant {
  const m = /^([\w.-]+)=([\w-]+)(?:@([^:+]+))?(?::([^+]+))?(?:\+(.+))?$/.exec(spec);
  if (!m || !(m[2] in KINDS)) fail(`bad variant "${spec}" (name=${Object.keys(KINDS).join('|')}[@dist-root][:node-flags][+VAR=value,…])`);
  const kind = m[2] as KindName;
  const { file } = KINDS[kind];
  // Another root: its build. This checkout: what APPS_FROM says (appEntry).
  const entry = m[3] ? join(m[3], `${file}.js`) : join(REPO_ROOT, BUILT ? `dist/${file}.js` : `${file}.ts`);
  if (!existsSync(entry)) fail(`${spec}: ${entry} does not exist`);
  const env = Object.fromEntries((m[5] ?? '').split(',').filter(Boolean).map((kv) => {
    const at = kv.indexOf('=');
    return at > 0 ? [kv.slice(0, at), kv.slice(at + 1)] : fail(`${spec}: bad variable "${kv}" (VAR=value)`);
  }));
  return { name: m[1], kind, entry, nodeArgs: m[4] ? m[4].split(',') : [], env };
}

function fail(msg: string): never {
  console.error(`paired: ${msg}`);
  process.exit(2);
}

const BUILT = appEntry('gateway').endsWith('.js');
const variants = positionals.map(parseVariant);
if (variants.length < 2) fail('give at least two variants');
const scenarios = opts.scenarios.split(',').map((n) => SCENARIOS.find((s) => s.name === n) ?? fail(`unknown scenario ${n}`));
const rounds = Number(opts.rounds);
const duration = Number(opts.duration);
const pauseSeconds = Number(opts.pause);
const connectionsEach = Math.max(5, Math.round(Number(opts.connections) / variants.length));
if (!BUILT) console.log('[paired] note: this checkout\'s variants run the TypeScript sources (APPS_FROM is not build)');

/** Highest RSS each variant reached under load (bytes), by name. */
const peakRss = new Map<string, number>();

/** One variant's figures in one round. */
interface Sample { cpuUsPerRequest: number; p99Ms: number }

/** What --json writes: every round of every variant, and the medians the console shows. */
export interface PairedRecord {
  date: string;
  command: string;
  rounds: number;
  durationSeconds: number;
  connectionsPerVariant: number;
  variants: Array<{ name: string; kind: string; nodeArgs: string[]; env: Record<string, string> }>;
  scenarios: Array<{
    name: string;
    title: string;
    variants: Array<{ name: string; medianCpuUsPerRequest: number; medianP99Ms: number; cpuRatioToFirst: number; p99RatioToFirst: number; rounds: Sample[] }>;
  }>;
  peakRssBytes: Record<string, number>;
}

/** Each variant under its own share of the connections, all at once: CPU µs per request and p99, in order. */
async function cpuPerRequest(procs: AppProcess[], specs: RequestSpec[], seconds: number, scenario: string): Promise<Sample[]> {
  const runs = await Promise.all(procs.map((p) => measure({
    url: p.url, specs, connections: connectionsEach, durationSeconds: seconds, expectBackend: null, sampled: [p], servers: [p.name],
  })));
  return runs.map((m, i) => {
    for (const u of m.processes) peakRss.set(u.name, Math.max(peakRss.get(u.name) ?? 0, u.peakRssBytes));
    const bad = m.non2xx + m.errors;
    if (bad) fail(`${procs[i].name}: ${bad} failed requests in ${scenario}: ${m.failureSamples[0] ?? ''}`);
    return { cpuUsPerRequest: (m.serverCpuSeconds * 1e6) / m.responses, p99Ms: m.latencyMs.p99 };
  });
}

async function main(): Promise<void> {
  const tmpDir = await mkdtemp(join(tmpdir(), 'mvp-paired-'));
  const environment = await setUpEnvironment({ tmpDir, log: (m) => console.log(`[paired] ${m}`) });
  try {
    await migrateUp(environment.databaseUrl);
    const perUser = opts['vehicles-per-user']?.split('-').map(Number);
    const seeded = await seed(environment.databaseUrl, { users: Number(opts.users), vehiclesPerUser: perUser && [perUser[0], perUser[1] ?? perUser[0]] });
    const users: BenchUser[] = await Promise.all(seeded.users.map(async (u) => ({ ...u, token: await environment.sign(u.sub) })));
    // One legacy app behind every proxying variant (proxied, proxy-floor); not measured itself: its CPU is the same for each.
    const proxies = (v: Variant) => v.kind === 'proxied' || v.kind === 'proxy-floor';
    const legacy = variants.some(proxies)
      ? await spawnApp('legacy', { name: 'legacy', requireHealthy: true, readyTimeoutMs: 60_000, env: environment.serverEnv })
      : null;
    const procs: AppProcess[] = [];
    for (const v of variants) {
      const backend = proxies(v) && legacy ? { LEGACY_URL: legacy.url, ...flagEnv('express') } : flagEnv('fastify');
      procs.push(await spawnApp(KINDS[v.kind].kind, {
        name: v.name, entry: v.entry, nodeArgs: v.nodeArgs, requireHealthy: true, readyTimeoutMs: 60_000,
        env: { ...environment.serverEnv, ...backend, ...v.env },
      }));
    }
    console.log(`[paired] idle RSS: ${procs.map((p) => `${p.name} ${(rssBytes(p.pid) / 2 ** 20).toFixed(1)} MB`).join(', ')}`);
    console.log(`[paired] ${rounds} rounds × ${duration} s, ${connectionsEach} connections per variant, all variants at once`);
    const record: PairedRecord = {
      date: new Date().toISOString(), command: `node benchmarks/paired.ts ${process.argv.slice(2).join(' ')}`, rounds,
      durationSeconds: duration, connectionsPerVariant: connectionsEach,
      variants: variants.map((v) => ({ name: v.name, kind: v.kind, nodeArgs: v.nodeArgs, env: v.env })), scenarios: [], peakRssBytes: {},
    };
    for (const scenario of scenarios) {
      const specs = scenario.requests(users);
      await cpuPerRequest(procs, specs, 2, scenario.name); // warm-up
      const samples: Sample[][] = procs.map(() => []);
      for (let r = 0; r < rounds; r++) {
        if (pauseSeconds > 0) await sleep(pauseSeconds * 1000);
        for (const [i, sample] of (await cpuPerRequest(procs, specs, duration, scenario.name)).entries()) samples[i].push(sample);
      }
      console.log(`\n${scenario.title}`);
      const rows = procs.map((p, i) => {
        const cpu = samples[i].map((x) => x.cpuUsPerRequest);
        // Ratios are taken within each round (the variants shared that round's noise), then the median.
        const cpuRatio = median(samples[i].map((x, r) => x.cpuUsPerRequest / samples[0][r].cpuUsPerRequest));
        const p99Ratio = median(samples[i].map((x, r) => x.p99Ms / samples[0][r].p99Ms));
        console.log(`  ${p.name.padEnd(16)} ${median(cpu).toFixed(1).padStart(7)} µs CPU per request (${Math.round(1e6 / median(cpu))} req per CPU-s)  ×${cpuRatio.toFixed(2)} of ${procs[0].name}  p99 ×${p99Ratio.toFixed(2)}  [rounds: ${cpu.map((x) => x.toFixed(0)).join(' ')}]`);
        return { name: p.name, medianCpuUsPerRequest: median(cpu), medianP99Ms: median(samples[i].map((x) => x.p99Ms)), cpuRatioToFirst: cpuRatio, p99RatioToFirst: p99Ratio, rounds: samples[i] };
      });
      record.scenarios.push({ name: scenario.name, title: scenario.title, variants: rows });
    }
    record.peakRssBytes = Object.fromEntries(procs.map((p) => [p.name, peakRss.get(p.name) ?? 0]));
    console.log(`\n[paired] peak RSS under load: ${procs.map((p) => `${p.name} ${((peakRss.get(p.name) ?? 0) / 2 ** 20).toFixed(0)} MB`).join(', ')}`);
    if (opts.json) {
      await writeFile(opts.json, `${JSON.stringify(record, null, 2)}\n`);
      console.log(`[paired] results: ${opts.json}`);
    }
  } finally {
    await stopAllApps(8000);
    await environment.close();
    await rm(tmpDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

// Paired A/B: several server variants loaded at the same time, each by its own share of the connections,
// so every variant sees the same machine noise; the CPU each spends per request is compared within each
// round (ratio to the first variant), and the medians over rounds are printed. On a shared 2-core machine
// a change of a few percent is invisible to `make bench` (one path after the other: ±30% between identical
// runs) and visible here (identical variants agree within ~5%). For diagnosis, not for STATUS.md.
//
//   node benchmarks/paired.ts [--scenarios stations-search,vehicles-list] [--rounds 5] [--duration 4]
//        [--connections 50] VARIANT...
//
// VARIANT is name=kind[@root][:node-flag,node-flag…]
//   kind  native         the gateway, every feature on its capsule (flags fastify)
//         floor          the feature reads on bare node:http (benchmarks/floor/server.ts)
//         fastify-floor  the same on bare Fastify (benchmarks/floor/fastify-server.ts)
//   root  another build's dist/ (e.g. a copy taken before a change) instead of this checkout's
//   flags replace the default --max-semi-space-size=2 (the production flag)
// e.g. node benchmarks/paired.ts before=native@/tmp/dist-before after=native floor=floor
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { migrateUp } from '../src/db/migrate.ts';
import { FEATURES } from '../flags/registry.ts';
import { appEntry, buildIsFresh, spawnApp, stopAllApps, type AppProcess } from '../stack/apps.ts';
import { setUpEnvironment } from './environment.ts';
import { cpuSeconds, rssBytes } from './processes.ts';
import { seed } from './seed.ts';
import { SCENARIOS, type BenchUser, type RequestSpec } from './scenarios.ts';
import { GATEWAY_NODE_ARGS } from './node-args.ts';

const { values: opts, positionals } = parseArgs({
  options: {
    scenarios: { type: 'string', default: 'stations-search,vehicles-list' },
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '4' },
    connections: { type: 'string', default: '50' },
    users: { type: 'string', default: '300' },
  },
  allowPositionals: true,
});

const KINDS = {
  native: { kind: 'gateway', file: 'src/server' },
  floor: { kind: 'floor', file: 'benchmarks/floor/server' },
  'fastify-floor': { kind: 'floor', file: 'benchmarks/floor/fastify-server' },
} as const;
type KindName = keyof typeof KINDS;

interface Variant { name: string; kind: KindName; entry: string; nodeArgs: string[] }

function parseVariant(spec: string): Variant {
  const m = /^([\w.-]+)=([\w-]+)(?:@([^:]+))?(?::(.+))?$/.exec(spec);
  if (!m || !(m[2] in KINDS)) fail(`bad variant "${spec}" (name=native|floor|fastify-floor[@dist-root][:node-flags])`);
  const kind = m[2] as KindName;
  const { file } = KINDS[kind];
  // This checkout: the build when fresh, else the sources (as everywhere); another root: its build.
  const entry = m[3] ? join(m[3], `${file}.js`) : kind === 'native' ? appEntry('gateway') : appEntry('floor').replace(/benchmarks\/floor\/server\.(ts|js)$/, `${file}.$1`);
  if (!existsSync(entry)) fail(`${spec}: ${entry} does not exist`);
  return { name: m[1], kind, entry, nodeArgs: m[4] ? m[4].split(',') : GATEWAY_NODE_ARGS };
}

function fail(msg: string): never {
  console.error(`paired: ${msg}`);
  process.exit(2);
}

const variants = positionals.map(parseVariant);
if (variants.length < 2) fail('give at least two variants');
const scenarios = opts.scenarios.split(',').map((n) => SCENARIOS.find((s) => s.name === n) ?? fail(`unknown scenario ${n}`));
const rounds = Number(opts.rounds);
const duration = Number(opts.duration);
const connectionsEach = Math.max(5, Math.round(Number(opts.connections) / variants.length));
if (!buildIsFresh()) console.log('[paired] note: dist/ is stale, this checkout\'s variants run the TypeScript sources (npm run build first)');

function load(url: string, specs: RequestSpec[], seconds: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url, connections: connectionsEach, duration: seconds,
    requests: [{
      setupRequest: (req) => {
        const spec = specs[next];
        next = (next + 1) % specs.length;
        return { ...req, method: spec.method, path: spec.path, headers: { ...spec.headers } };
      },
    }],
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const tmpDir = await mkdtemp(join(tmpdir(), 'mvp-paired-'));
  const environment = await setUpEnvironment({ tmpDir, log: (m) => console.log(`[paired] ${m}`) });
  try {
    await migrateUp(environment.databaseUrl);
    const seeded = await seed(environment.databaseUrl, { users: Number(opts.users) });
    const users: BenchUser[] = await Promise.all(seeded.users.map(async (u) => ({ ...u, token: await environment.sign(u.sub) })));
    const flags = Object.fromEntries(FEATURES.map((f) => [f.envVar, 'fastify']));
    const procs: AppProcess[] = [];
    for (const v of variants) {
      procs.push(await spawnApp(KINDS[v.kind].kind, {
        name: v.name, entry: v.entry, nodeArgs: v.nodeArgs, requireHealthy: true, readyTimeoutMs: 60_000,
        env: { ...environment.serverEnv, ...flags },
      }));
    }
    console.log(`[paired] idle RSS: ${procs.map((p) => `${p.name} ${(rssBytes(p.pid) / 2 ** 20).toFixed(1)} MB`).join(', ')}`);
    console.log(`[paired] ${rounds} rounds × ${duration} s, ${connectionsEach} connections per variant, all variants at once`);
    for (const scenario of scenarios) {
      const specs = scenario.requests(users);
      await Promise.all(procs.map((p) => load(p.url, specs, 2))); // warm-up
      const perRequest: number[][] = procs.map(() => []);
      for (let r = 0; r < rounds; r++) {
        const cpu0 = procs.map((p) => cpuSeconds(p.pid));
        const results = await Promise.all(procs.map((p) => load(p.url, specs, duration)));
        procs.forEach((p, i) => {
          const bad = results[i].non2xx + results[i].errors;
          if (bad) fail(`${p.name}: ${bad} failed requests in ${scenario.name}`);
          perRequest[i].push(((cpuSeconds(p.pid) - cpu0[i]) * 1e6) / results[i].requests.total);
        });
      }
      console.log(`\n${scenario.title}`);
      procs.forEach((p, i) => {
        const ratios = perRequest[i].map((us, r) => us / perRequest[0][r]);
        console.log(`  ${p.name.padEnd(16)} ${median(perRequest[i]).toFixed(1).padStart(7)} µs CPU per request (${Math.round(1e6 / median(perRequest[i]))} req per CPU-s)  ×${median(ratios).toFixed(2)} of ${procs[0].name}  [rounds: ${perRequest[i].map((x) => x.toFixed(0)).join(' ')}]`);
      });
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

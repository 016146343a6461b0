// The proxy target in the topology it describes: the gateway on a core of its own (as its own pods in
// deploy/k8s), everything else (the legacy app, PostgreSQL, Redis and the load generator) on the other.
// Express direct and gateway→proxy→Express take turns on the same request list, 50 connections each; the
// ratio proxied/direct is taken within each round. On shared cores (make bench's sequential run) a proxied
// request also pays the proxy's CPU out of the cores Express needs, which caps the ratio (STATUS.md,
// "the proxy against a bare Node proxy"); here it does not. Linux only (taskset); PostgreSQL and Redis must
// run on this machine, and are given back every core at the end or on SIGINT/SIGTERM (after a SIGKILL:
// `taskset -a -p -c 0-N <pid>` for each postgres and redis-server process).
//
//   npm run build && node benchmarks/pinned-proxy.ts [--scenarios vehicles-list,…] [--rounds 3] [--json FILE]
import { execFileSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateUp } from '../src/db/migrate.ts';
import { flagEnv } from '../flags/registry.ts';
import { spawnApp, stopAllApps, type AppProcess } from '../stack/apps.ts';
import { setUpEnvironment } from './environment.ts';
import { measure, type Measurement } from './measure.ts';
import { machineCpu } from './processes.ts';
import { seed } from './seed.ts';
import { SCENARIOS, type BenchUser, type RequestSpec } from './scenarios.ts';
import { median } from './summary.ts';

const { values: opts } = parseArgs({
  options: {
    scenarios: { type: 'string', default: 'vehicles-list,fuel-logs-list,fuel-stats,stations-search,maintenance-upcoming' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '6' },
    connections: { type: 'string', default: '50' },
    json: { type: 'string' },
  },
});

/** One scenario, one round: both paths' throughput and p99. */
interface PinnedRound { directReqPerSec: number; proxiedReqPerSec: number; directP99Ms: number; proxiedP99Ms: number }

/** What --json writes (rendered in STATUS.md by report.ts). */
export interface PinnedRecord {
  date: string;
  command: string;
  rounds: number;
  durationSeconds: number;
  connections: number;
  gatewayCpus: string;
  otherCpus: string;
  scenarios: Array<{ name: string; title: string; proxiedOverDirect: number; p99ProxiedOverDirect: number; rounds: PinnedRound[] }>;
}

const cpus = availableParallelism();
/** Not measurable here: said, and the run (make bench's cross-checks) goes on without this section. */
function skip(why: string): never {
  console.log(`[pinned] skipped: ${why}`);
  process.exit(0);
}
if (process.platform !== 'linux' || cpus < 2) skip('needs Linux (taskset) and at least two cores');
const GATEWAY_CPUS = '0';
const OTHER_CPUS = cpus > 2 ? `1-${cpus - 1}` : '1';
const ALL_CPUS = `0-${cpus - 1}`;

/** Every thread of each process (taskset -a) on `list`; threads started later inherit it. */
function pin(pids: number[], list: string): void {
  for (const pid of pids) execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
}
/** PostgreSQL's and Redis's processes on this machine, as the benchmark finds them for its CPU accounting
 * (the postmaster's later backends inherit its affinity). */
const servicePids = (): number[] => [...machineCpu().perPid.keys()];

/** Every core back to PostgreSQL and Redis, also when the run is interrupted (Ctrl-C, kill). */
const unpinServices = () => pin(servicePids(), ALL_CPUS);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    unpinServices();
    process.exit(130);
  });
}

async function main(): Promise<void> {
  const tmpDir = await mkdtemp(join(tmpdir(), 'mvp-pinned-'));
  const environment = await setUpEnvironment({ tmpDir, log: (m) => console.log(`[pinned] ${m}`) });
  const services = servicePids();
  if (services.length === 0) {
    await environment.close();
    skip('no postgres or redis-server process on this machine to pin');
  }
  try {
    await migrateUp(environment.databaseUrl);
    const seeded = await seed(environment.databaseUrl, { users: 300 });
    const users: BenchUser[] = await Promise.all(seeded.users.map(async (u) => ({ ...u, token: await environment.sign(u.sub) })));
    const legacy = await spawnApp('legacy', { name: 'legacy', requireHealthy: true, readyTimeoutMs: 60_000, env: environment.serverEnv });
    const gateway = await spawnApp('gateway', {
      name: 'gateway-proxy', requireHealthy: true, readyTimeoutMs: 60_000, env: { ...environment.serverEnv, LEGACY_URL: legacy.url, ...flagEnv('express') },
    });
    pin([gateway.pid], GATEWAY_CPUS);
    pin([legacy.pid, process.pid, ...services], OTHER_CPUS);
    console.log(`[pinned] gateway on CPU ${GATEWAY_CPUS}; legacy app, load generator, PostgreSQL and Redis (${services.length} processes) on CPU ${OTHER_CPUS}`);

    const run = async (target: AppProcess, specs: RequestSpec[], seconds: number, expectBackend: 'express' | null) => {
      const m = await measure({
        url: target.url, specs, connections: Number(opts.connections), durationSeconds: seconds, expectBackend,
        sampled: [legacy, gateway], servers: [target.name],
      });
      const bad = m.non2xx + m.errors + m.backendMismatches;
      if (bad) throw new Error(`${target.name}: ${bad} failed requests: ${m.failureSamples[0] ?? ''}`);
      return m;
    };
    const record: PinnedRecord = {
      date: new Date().toISOString(), command: `node benchmarks/pinned-proxy.ts ${process.argv.slice(2).join(' ')}`,
      rounds: Number(opts.rounds), durationSeconds: Number(opts.duration), connections: Number(opts.connections),
      gatewayCpus: GATEWAY_CPUS, otherCpus: OTHER_CPUS, scenarios: [],
    };
    for (const name of opts.scenarios.split(',')) {
      const scenario = SCENARIOS.find((s) => s.name === name);
      if (!scenario) throw new Error(`unknown scenario ${name}`);
      const specs = scenario.requests(users);
      const rounds: PinnedRound[] = [];
      for (let r = 0; r < record.rounds; r++) {
        // The order alternates, so neither path always runs on the warmer (or the more loaded) machine.
        const measureOne = async (target: AppProcess) => {
          await run(target, specs, r === 0 ? 3 : 1, null); // warm-up, not counted
          return run(target, specs, record.durationSeconds, target === gateway ? 'express' : null);
        };
        let direct: Measurement;
        let proxied: Measurement;
        if (r % 2 === 0) {
          direct = await measureOne(legacy);
          proxied = await measureOne(gateway);
        } else {
          proxied = await measureOne(gateway);
          direct = await measureOne(legacy);
        }
        rounds.push({ directReqPerSec: direct.reqPerSec, proxiedReqPerSec: proxied.reqPerSec, directP99Ms: direct.latencyMs.p99, proxiedP99Ms: proxied.latencyMs.p99 });
        console.log(`[pinned] [${r + 1}/${record.rounds}] ${name.padEnd(22)} direct ${direct.reqPerSec.toFixed(0).padStart(6)} req/s p99 ${direct.latencyMs.p99.toFixed(1)} ms   proxied ${proxied.reqPerSec.toFixed(0).padStart(6)} req/s p99 ${proxied.latencyMs.p99.toFixed(1)} ms   → ${(100 * proxied.reqPerSec / direct.reqPerSec).toFixed(0)}%`);
      }
      record.scenarios.push({
        name, title: scenario.title,
        proxiedOverDirect: median(rounds.map((x) => x.proxiedReqPerSec / x.directReqPerSec)),
        p99ProxiedOverDirect: median(rounds.map((x) => x.proxiedP99Ms / x.directP99Ms)),
        rounds,
      });
    }
    if (opts.json) {
      await writeFile(opts.json, `${JSON.stringify(record, null, 2)}\n`);
      console.log(`[pinned] results: ${opts.json}`);
    }
  } finally {
    await stopAllApps(8000);
    unpinServices();
    await environment.close();
    await rm(tmpDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

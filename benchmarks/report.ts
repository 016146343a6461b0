// Writes the run's raw JSON (benchmarks/results/<timestamp>.json and latest.json) and STATUS.md.
// STATUS.md is only ever written here.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FEATURES, type FeatureName } from '../flags/registry.ts';
import { parseEnvFlags } from '../flags/parse.ts';
import { PATH_TITLES, SCENARIOS, PATHS } from './scenarios.ts';
import { IDLE_PROBE_SECONDS, type MemoryCurve } from './memory.ts';
import { cpuEfficiencyTarget, mb, median, PROCESS_NAMES, PROXY_TARGET, READ_TARGETS, SERVERS_OF, type RoundResult, type Summary } from './summary.ts';
import type { PairedRecord } from './paired.ts';
import type { PinnedRecord } from './pinned-proxy.ts';
import { CROSS_CHECKS, crossCheckCommand, type CrossCheck } from './cross-checks.ts';

export interface RunMeta {
  startedAt: string;
  finishedAt: string;
  mode: 'full' | 'quick';
  command: string;
  rounds: number;
  durationSeconds: number;
  warmupSeconds: { first: number; later: number };
  /** Seconds without load after the last measurement (older results: absent, 15). */
  coolDownSeconds?: number;
  /** Seconds after start, every server probed on /health meanwhile, when idle RSS was read (older results: absent, ~1). */
  idleSeconds?: number;
  connections: number;
  node: string;
  machine: { cores: number; model: string; memoryBytes: number; kernel: string };
  dataset: Record<string, number>;
  database: string;
  redis: string;
  rateLimitMax: number;
  gatewayFlags: Record<string, Record<string, string>>;
  idleRss: Record<string, number>;
  /** What the servers ran: the production build (dist/) or the TypeScript sources (older runs: absent). */
  entry?: 'dist' | 'source';
  /** Extra Node flags of the gateways and the floor. */
  gatewayNodeArgs?: string[];
  gatewayEnv?: Record<string, string>;
  notes: string[];
}

export interface RunRecord {
  meta: RunMeta;
  results: RoundResult[];
  summary: Summary;
  /** Every server's RSS/heap curve through and after the run (absent in older results). */
  memory?: MemoryCurve;
}

/** `<timestamp>.json`, and `latest.json` too unless the run was partial (filtered or --no-status). */
export async function writeResults(dir: string, record: RunRecord, partial: boolean): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${record.meta.startedAt.replace(/:/g, '-')}${partial ? '-partial' : ''}.json`);
  const text = `${JSON.stringify(record, null, 2)}\n`;
  await writeFile(file, text);
  if (!partial) await writeFile(join(dir, 'latest.json'), text);
  return file;
}

interface ParityFile {
  date?: string;
  passed?: number;
  failed?: number;
  features?: Record<string, { passed?: number; failed?: number; skipped?: number }>;
}

/** The parity suite's latest result per feature, or "not run". */
function parityOf(file: string): (feature: FeatureName) => string {
  if (!existsSync(file)) return () => 'not run';
  let p: ParityFile;
  try {
    p = JSON.parse(readFileSync(file, 'utf8')) as ParityFile;
  } catch {
    return () => 'unreadable results file';
  }
  const when = p.date ? ` (${p.date.slice(0, 10)})` : '';
  const fmt = (x: { passed?: number; failed?: number }) => {
    const passed = x.passed ?? 0;
    const failed = x.failed ?? 0;
    if (passed + failed === 0) return `not run${when}`;
    return failed > 0 ? `**FAIL** ${failed} of ${passed + failed}${when}` : `pass ${passed}/${passed}${when}`;
  };
  return (feature) => {
    const f = p.features?.[feature];
    if (f) return fmt(f);
    if (p.passed !== undefined || p.failed !== undefined) return `${fmt(p)} (whole suite)`;
    return 'not run';
  };
}

const num = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '–');
const pct = (n: number) => (Number.isFinite(n) ? `${Math.round(n * 100)}%` : '–');
const verdict = (met: boolean | null) => (met === null ? 'not measured' : met ? 'met' : '**MISSED**');

export function renderStatus(record: RunRecord, opts: { parityFile: string; findingsFile: string; renderedAt?: string }): string {
  const { meta, summary } = record;
  const out: string[] = [];
  const w = (s = '') => out.push(s);
  const envFlags = parseEnvFlags(process.env);
  const parity = parityOf(opts.parityFile);

  w('# MotoVaultPro — status');
  w();
  const rerendered = opts.renderedAt ? ` (tables re-rendered with \`node benchmarks/run.ts --report-only\` on ${opts.renderedAt})` : '';
  w(`_Written by \`${meta.command}\` on ${meta.finishedAt}${rerendered}. Do not edit by hand: rerun \`make bench\` (full, about 20 min on 2 cores) or \`make bench QUICK=1\` (smoke)._`);
  w();
  w('## Run');
  w();
  w(`- Mode: **${meta.mode}** — ${meta.rounds} round(s), each scenario measured on the four paths in turn (Express direct, gateway→proxy→Express, gateway native, and for the feature reads the floor: the same service, SQL, cache and token-cache code on bare \`node:http\`, \`benchmarks/floor/server.ts\`; the order rotates by one path each round) before the next scenario; ${meta.durationSeconds} s per measurement, ${meta.connections} connections, a warm-up burst before every measurement (${meta.warmupSeconds.first} s in round 1, ${meta.warmupSeconds.later} s after) that is not counted. Figures are medians over rounds; ratios are the median of each round's ratio (a scenario's paths are measured back to back, so a slow phase of the machine divides out); peak RSS is the maximum; failures are summed.`);
  w(`- Machine: ${meta.machine.cores} cores (${meta.machine.model}), ${num(meta.machine.memoryBytes / 1024 ** 3, 1)} GiB RAM, Linux ${meta.machine.kernel}. **The load generator (autocannon, in the benchmark process), PostgreSQL and Redis share these cores with the servers**, so raw req/s understates what a server could do alone and penalises the proxied path (two server processes plus the load generator on ${meta.machine.cores} cores); requests per server CPU-second is the fairer comparison.`);
  w(`- Node: ${meta.node} for the load generator and every server (each spawned with the benchmark's own \`process.execPath\`). Servers ran ${meta.entry === 'dist' ? 'the production build (`dist/`, `npm run build`)' : meta.entry === 'source' ? '**the TypeScript sources (type stripping)**' : 'unknown code (older run)'}${meta.gatewayNodeArgs?.length ? `; the gateways and the floor with \`${[...Object.entries(meta.gatewayEnv ?? {}).map(([k, v]) => `${k}=${v}`), 'node', ...meta.gatewayNodeArgs].join(' ')}\` (as \`npm start\`)` : ''}.`);
  w(`- Data: ${Object.entries(meta.dataset).map(([k, v]) => `${num(v)} ${k}`).join(', ')} (users \`bench-user-N\`, reseeded every run); requests rotate over every user and vehicle with each user's own token.`);
  w(`- PostgreSQL: ${meta.database}. Redis: ${meta.redis}.`);
  w(`- Rate limiting: every process runs with RATE_LIMIT_MAX=${num(meta.rateLimitMax)} — the limiter (and its Redis counter) still runs on every gateway request, it just never trips. LOG_LEVEL=warn everywhere.`);
  w(`- Gateways: ${Object.entries(meta.gatewayFlags).map(([g, f]) => `${g} = ${Object.entries(f).map(([k, v]) => `${k}:${v}`).join(' ')}`).join('; ')}.`);
  w(`- Idle RSS ${meta.idleSeconds === undefined ? 'after start' : `${meta.idleSeconds} s after start, every server's \`/health\` probed every ${IDLE_PROBE_SECONDS} s meanwhile`}: ${Object.entries(meta.idleRss).map(([k, v]) => `${k} ${mb(v)} MB`).join(', ')}.`);
  const others = record.results.map((x) => x.measurement.otherCpuSeconds).sort((a, b) => a - b);
  if (others.length) {
    const share = (s: number) => `${Math.round((100 * s) / (meta.durationSeconds * meta.machine.cores))}%`;
    const med = others[Math.floor(others.length / 2)];
    const max = others[others.length - 1];
    const medOf = (f: (m: RoundResult['measurement']) => number) => {
      const v = record.results.map((x) => f(x.measurement)).filter((n) => Number.isFinite(n)).sort((a, b) => a - b);
      return v.length ? v[Math.floor(v.length / 2)] : NaN;
    };
    w(`- Machine contention: processes outside this benchmark (other jobs) used a median ${num(med, 2)} CPU-s per ${meta.durationSeconds} s measurement (${share(med)} of the machine), at worst ${num(max, 2)} CPU-s (${share(max)}); interrupts (mostly loopback networking) a median ${num(medOf((m) => m.irqCpuSeconds), 2)} CPU-s, hypervisor steal ${num(medOf((m) => m.stealCpuSeconds), 2)} CPU-s.${max > 0.1 * meta.durationSeconds * meta.machine.cores ? ' **The machine was not quiet: absolute figures are depressed and noisy; compare paths within a scenario (they were interleaved), not across runs.**' : ''}`);
  }
  for (const n of meta.notes) w(`- Note: ${n}`);
  if (summary.totalFailures > 0) {
    w();
    w(`> **${num(summary.totalFailures)} measured requests failed (non-2xx, socket errors or wrong \`x-backend\`)** — see the raw table; those figures are not trustworthy.`);
  }
  w();

  w('## Features');
  w();
  w('Ratios compare the gateway serving the feature natively with the legacy Express app answering directly (native / Express) and with the floor (native as % of bare `node:http` doing the same work); proxy overhead compares gateway→proxy→Express with Express direct.');
  w();
  w('| feature | default backend (env) | parity suite | scenario | req per server CPU-s native % of floor | req per server CPU-s native/Express | req/s native/Express | p99 native/Express | peak RSS native/Express | proxy: req/s proxied/direct | proxy: p99 proxied/direct |');
  w('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const f of FEATURES) {
    const rows = summary.ratios.filter((x) => x.feature === f.name);
    const flag = envFlags[f.name];
    const head = `| ${f.name} | ${flag.backend} (${flag.source === 'env' ? f.envVar : 'default'}) | ${parity(f.name)} |`;
    if (rows.length === 0) {
      w(`${head} not measured | | | | | | | |`);
      continue;
    }
    rows.forEach((x, i) => {
      const lead = i === 0 ? head : '| | | |';
      w(`${lead} ${x.scenario} | ${pct(x.nativeOfFloor)} | ${ratio(x.cpuEfficiency)} | ${ratio(x.throughput)} | ${ratio(x.p99)} | ${ratio(x.memory)} | ${pct(x.proxyThroughput)} | ${ratio(x.proxyP99)} |`);
    });
  }
  w();

  w('## Targets');
  w();
  w('| target | rule | result | measured |');
  w('|---|---|---|---|');
  for (const t of summary.targets) w(`| ${t.name} | ${t.rule} | ${verdict(t.met)} | ${t.detail} |`);
  w();
  w('`/health` is informational and not part of the targets: it is a gateway-only route (never proxied), and the all-express gateway\'s health check also probes the legacy app.');
  w();

  if (summary.memory.length) {
    w('## Memory');
    w();
    w(`RSS and V8 heap of every server sampled every ${record.memory?.intervalMs ?? 250} ms through the whole run by a preloaded probe (\`benchmarks/floor/memory-probe.ts\`); the full curves, with the phase of the run at each moment, are in the results JSON (\`memory\`). Idle = just before the first measurement${record.meta.idleSeconds === undefined ? '' : ` (${record.meta.idleSeconds} s after start)`}; after = the end of the cool-down without load after the last measurement (${record.meta.coolDownSeconds ?? 15} s; the gateway compacts its heap after 60 s of quiet); returned = share of the growth (peak − idle RSS) given back by then.`);
    w();
    w('| process | idle RSS MB | peak RSS MB | after RSS MB | returned | idle heap used MB | peak heap used / total MB | after heap used MB |');
    w('|---|---|---|---|---|---|---|---|');
    for (const m of summary.memory) {
      w(`| ${m.name} | ${mb(m.idleRss)} | ${mb(m.peakRss)} | ${mb(m.afterRss)} | ${pct(m.rssReturned)} | ${mb(m.idleHeapUsed)} | ${mb(m.peakHeapUsed)} / ${mb(m.peakHeapTotal)} | ${mb(m.afterHeapUsed)} |`);
    }
    w();
  }

  w('## Raw numbers');
  w();
  w(`Server CPU = user+system CPU seconds of every server process of the path during the ${meta.durationSeconds} s measurement (from \`/proc/<pid>/stat\`); for the proxied path that is the gateway plus the legacy app. Peak RSS sampled every 100 ms. Load gen = the autocannon process; PG/Redis = every \`postgres\` and \`redis-server\` process; other = user+system CPU of every other process on the machine (worst round) — anything well above 0 means another job competed for the ${meta.machine.cores} cores during that measurement.`);
  w();
  w('| scenario | path | req/s | p50 ms | p95 ms | p99 ms | non-2xx | errors | server CPU s | req per server CPU-s | peak RSS MB | load-gen CPU s | PG / Redis CPU s | other CPU s |');
  w('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of SCENARIOS) {
    for (const path of PATHS) {
      const c = summary.cells.find((x) => x.scenario === s.name && x.path === path);
      if (!c) continue;
      const rss = SERVERS_OF[path].filter((n) => c.peakRss[n] !== undefined).map((n) => `${shortName(n)} ${mb(c.peakRss[n])}`).join(' + ');
      const bad = (n: number) => (n > 0 ? `**${num(n)}**` : '0');
      w(`| ${s.title} | ${PATH_TITLES[path]} | ${num(c.reqPerSec)} | ${num(c.p50, 2)} | ${num(c.p95, 2)} | ${num(c.p99, 2)} | ${bad(c.non2xx + c.backendMismatches)} | ${bad(c.errors)} | ${num(c.serverCpuSeconds, 2)} | ${num(c.reqPerServerCpuSecond)} | ${rss} | ${num(c.loadGeneratorCpuSeconds, 2)} | ${num(c.postgresCpuSeconds, 2)} / ${num(c.redisCpuSeconds, 2)} | ${num(c.otherCpuSeconds, 2)} |`);
    }
  }
  const failing = summary.cells.filter((c) => c.failureSamples.length);
  if (failing.length) {
    w();
    w('Failure samples:');
    w();
    for (const c of failing) for (const f of c.failureSamples) w(`- ${c.scenario} / ${c.path}: \`${f.replace(/`/g, "'").replace(/\s+/g, ' ')}\``);
  }
  w();
  w(`Peak RSS over the whole run: ${Object.entries(summary.peakRssOverall).map(([k, v]) => `${k} ${mb(v)} MB`).join(', ')}. Raw per-round JSON: \`benchmarks/results/latest.json\`.`);
  w();

  renderShadowCost(w);
  renderPaired(w, CROSS_CHECKS.reads);
  renderPaired(w, CROSS_CHECKS.vehicles20);
  renderProxyFloor(w, summary, meta.durationSeconds);
  renderPinnedProxy(w);

  w('## Findings');
  w();
  const findings = existsSync(opts.findingsFile) ? readFileSync(opts.findingsFile, 'utf8').trim() : '';
  w(findings ? findings.replace(/^#\s+.*\n+/, '') : '_No findings recorded yet (benchmarks/findings.md)._');
  w();
  return out.join('\n');
}

function shortName(n: string): string {
  return n === PROCESS_NAMES.legacy ? 'express' : n === PROCESS_NAMES.proxy ? 'gw' : n === PROCESS_NAMES.native ? 'gw-native' : n;
}

interface ShadowRow { stage: string; reqPerSec: number; p50: number; p99: number; gatewayCpuSecondsPer1k: number; legacyCpuSecondsPer1k: number; failures: number }
interface CpuSplit { main: number; replay: number; total: number }
interface ShadowRecord {
  date: string; mode: string; seconds: number; rounds: number; fixedRate: number;
  saturated: ShadowRow[];
  atFixedRate: Array<{ stage: string; p50: number; p99: number; non2xx: number; cpuMsPerRequest?: CpuSplit; peakRssBytes?: number }>;
  /** Issue 29: the replay worker's memory while on and after it stopped (absent in older results). */
  memory?: {
    expressGatewayRssBytes: number; afterStopMs: number;
    whileOn: Array<{ name: string; rssBytes: number; heap: { usedBytes: number; totalBytes: number } | null }>;
    afterStop: Array<{ name: string; rssBytes: number }>;
  };
  shadowReport: { compared: number; matched: number; mismatched: number; skipped: number; errored: number };
}

/** Writes a section's heading and returns its results file (benchmarks/results/<name>), or says it is missing. */
function sectionResult<T>(w: (s?: string) => void, heading: string, name: string, howToMeasure: string): T | null {
  const file = new URL(`./results/${name}`, import.meta.url);
  w(`## ${heading}`);
  w();
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
  w(`_Not measured yet: ${howToMeasure}._`);
  w();
  return null;
}

/** A cross-check's heading and results (benchmarks/cross-checks.ts), or a line saying how to measure it. */
function crossCheckResult<T = PairedRecord>(w: (s?: string) => void, check: CrossCheck): T | null {
  return sectionResult<T>(w, check.heading, check.file, `\`make bench\` runs \`${crossCheckCommand(check)}\` after the main run`);
}

/** The shadow stage's cost to clients, from benchmarks/shadow-overhead.ts (run by `make bench` first). */
function renderShadowCost(w: (s?: string) => void): void {
  const r = sectionResult<ShadowRecord>(w, 'Shadow stage cost (issues 12, 29)', 'shadow-overhead.json',
    '`make bench` runs `benchmarks/shadow-overhead.ts` first when `DATABASE_URL` is set');
  if (!r) return;
  const base = r.saturated.find((x) => x.stage === 'express');
  w(`_${r.mode} run on ${r.date}: \`GET /api/vehicles/:id\` through one gateway per stage (vehicles on express, shadow 100 %, shadow 10 %), one legacy app; ${r.rounds} round(s) × ${r.seconds} s, 10 connections closed loop (saturated), then an open loop at ${r.fixedRate} req/s. Medians over rounds._`);
  w();
  w('| stage | saturated req/s | p50 ms | p99 ms | gateway CPU-s per 1k req | legacy CPU-s per 1k req | failures | p50 at fixed rate | p99 at fixed rate |');
  w('|---|---|---|---|---|---|---|---|---|');
  for (const row of r.saturated) {
    const fixed = r.atFixedRate.find((x) => x.stage === row.stage);
    const vs = (v: number, b: number | undefined) => (b && row.stage !== 'express' ? ` (${num(v / b, 2)}x)` : '');
    w(`| ${row.stage} | ${num(row.reqPerSec)}${vs(row.reqPerSec, base?.reqPerSec)} | ${num(row.p50, 2)} | ${num(row.p99, 2)} | ${num(row.gatewayCpuSecondsPer1k, 3)}${vs(row.gatewayCpuSecondsPer1k, base?.gatewayCpuSecondsPer1k)} | ${num(row.legacyCpuSecondsPer1k, 3)} | ${row.failures} | ${fixed ? num(fixed.p50, 2) : '-'} | ${fixed ? num(fixed.p99, 2) : '-'} |`);
  }
  const sr = r.shadowReport;
  w();
  w(`Shadow report after the run: compared ${num(sr.compared)}, matched ${num(sr.matched)}, mismatched ${num(sr.mismatched)}, skipped ${num(sr.skipped)} (over budget, event-loop lag or a provider call a replay never makes), errored ${num(sr.errored)}. Added latency is the difference between the fixed-rate columns (the saturated columns include the replay worker's CPU competing with the client's requests on the same 2 cores).`);
  w();
  const fixedBase = r.atFixedRate.find((x) => x.stage === 'express');
  if (fixedBase?.cpuMsPerRequest) {
    const vs = (v: number, b: number | undefined, stage: string) => (b && stage !== 'express' ? ` (${num(v / b, 2)}x)` : '');
    w(`At a fixed ${r.fixedRate} req/s (medians over rounds), CPU per client request by thread of the gateway: its main thread (the clients' event loop), the shadow replay worker thread, and the whole process (GC and I/O threads included):`);
    w();
    w('| stage | p50 ms | p99 ms | main-thread CPU ms/req | replay-thread CPU ms/req | process CPU ms/req | peak RSS MB |');
    w('|---|---|---|---|---|---|---|');
    for (const x of r.atFixedRate) {
      const c = x.cpuMsPerRequest;
      if (!c) continue;
      w(`| ${x.stage} | ${num(x.p50, 2)}${vs(x.p50, fixedBase.p50, x.stage)} | ${num(x.p99, 2)}${vs(x.p99, fixedBase.p99, x.stage)} | ${num(c.main, 3)}${vs(c.main, fixedBase.cpuMsPerRequest.main, x.stage)} | ${num(c.replay, 3)} | ${num(c.total, 3)}${vs(c.total, fixedBase.cpuMsPerRequest.total, x.stage)} | ${x.peakRssBytes ? num(x.peakRssBytes / 1048576, 1) : '-'} |`);
    }
    w();
  }
  const m = r.memory;
  if (m) {
    const mb = (b: number) => num(b / 1048576, 1);
    const on = m.whileOn.map((g) => `${g.name} RSS ${mb(g.rssBytes)} MB, replay heap ${g.heap ? `${mb(g.heap.usedBytes)} MB used of ${mb(g.heap.totalBytes)} MB` : 'n/a'}`).join('; ');
    const off = m.afterStop.map((g) => `${g.name} RSS ${mb(g.rssBytes)} MB`).join('; ');
    w(`Replay memory while on (after the load): ${on}. ${m.afterStopMs / 1000} s after vehicles left shadow and the workers stopped: ${off}. The express-stage gateway for reference: RSS ${mb(m.expressGatewayRssBytes)} MB.`);
    w();
  }
}

type PairedVariant = PairedRecord['scenarios'][number]['variants'][number];
type PairedRound = PairedVariant['rounds'][number];

/** The median over rounds of f(a's round, b's same round); undefined without b. */
function perRound(a: PairedVariant, b: PairedVariant | undefined, f: (x: PairedRound, y: PairedRound) => number): number | undefined {
  return b ? median(a.rounds.map((x, i) => f(x, b.rounds[i]))) : undefined;
}

/**
 * The same targets measured the other way (a cross-check: native, floor and Express loaded at the same time,
 * so each round's ratios share that round's noise).
 */
function renderPaired(w: (s?: string) => void, check: CrossCheck): void {
  const r = crossCheckResult(w, check);
  if (!r) return;
  w(`_${r.date}: \`${r.command}\`. ${r.rounds} rounds × ${r.durationSeconds} s; each server under its own ${r.connectionsPerVariant} connections (closed loop), all three at once, same request list. A round's ratios compare servers that shared that round's machine noise; the figures are medians over rounds. ${check.note ?? ''}_`);
  w();
  w('| scenario | native req per CPU-s | native % of floor (≥ 85%) | native/Express per CPU-s (≥ 1.5x; cached ≥ 2x) | p99 native/Express (≤ 0.7x) |');
  w('|---|---|---|---|---|');
  for (const s of r.scenarios) {
    const [native, floor, express] = ['native', 'floor', 'express'].map((n) => s.variants.find((v) => v.name === n));
    if (!native) continue;
    const ofFloor = perRound(native, floor, (n, f) => f.cpuUsPerRequest / n.cpuUsPerRequest);
    const vsExpress = perRound(native, express, (n, e) => e.cpuUsPerRequest / n.cpuUsPerRequest);
    const p99 = perRound(native, express, (n, e) => n.p99Ms / e.p99Ms);
    const mark = (ok: boolean) => (ok ? '' : ' ✗');
    w(`| ${s.title} | ${num(1e6 / native.medianCpuUsPerRequest)} | ${ofFloor === undefined ? '–' : `${Math.round(ofFloor * 100)}%${mark(ofFloor >= READ_TARGETS.nativeOfFloor)}`} | ${vsExpress === undefined ? '–' : `${num(vsExpress, 2)}x${mark(vsExpress >= cpuEfficiencyTarget(s.name))}`} | ${p99 === undefined ? '–' : `${num(p99, 2)}x${mark(p99 <= READ_TARGETS.p99)}`} |`);
  }
  w();
  w(`Absolute figures are inflated by three servers sharing two cores with PostgreSQL and the load generator: read the ratios. Peak RSS under this load: ${Object.entries(r.peakRssBytes).map(([k, v]) => `${k} ${mb(v)} MB`).join(', ')}.`);
  w();
}

/** The proxy target with the gateway on a core of its own (CROSS_CHECKS.pinnedProxy). */
function renderPinnedProxy(w: (s?: string) => void): void {
  const r = crossCheckResult<PinnedRecord>(w, CROSS_CHECKS.pinnedProxy);
  if (!r) return;
  w(`_${r.date}: \`${r.command}\`. The gateway (proxying every feature to the legacy app) pinned to CPU ${r.gatewayCpus}; the legacy app, the load generator, PostgreSQL and Redis to CPU ${r.otherCpus} (\`taskset\`), as when the gateway runs in pods of its own (deploy/k8s). Express direct and gateway→proxy→Express in turn, ${r.connections} connections, ${r.rounds} rounds × ${r.durationSeconds} s, the order alternating; ratios per round, then the median. The targets above are judged on the shared-core run; this shows the same target in the topology it describes._`);
  w();
  w('| scenario | proxied/direct req/s (≥ 80%) | p99 proxied/direct | direct req/s (median) | proxied req/s (median) |');
  w('|---|---|---|---|---|');
  for (const s of r.scenarios) {
    w(`| ${s.title} | ${Math.round(s.proxiedOverDirect * 100)}%${s.proxiedOverDirect >= PROXY_TARGET ? '' : ' ✗'} | ${num(s.p99ProxiedOverDirect, 2)}x | ${num(median(s.rounds.map((x) => x.directReqPerSec)))} | ${num(median(s.rounds.map((x) => x.proxiedReqPerSec)))} |`);
  }
  w();
}

/**
 * The proxy target's ceiling (the gateway proxying, a bare node:http + undici proxy and Express, loaded at
 * once: CROSS_CHECKS.proxy): what any Node proxy pays per request, against everything
 * a direct request costs the machine in the sequential run (Express, the load generator, PostgreSQL, Redis).
 */
function renderProxyFloor(w: (s?: string) => void, summary: Summary, durationSeconds: number): void {
  const r = crossCheckResult(w, CROSS_CHECKS.proxy);
  if (!r) return;
  w(`_${r.date}: \`${r.command}\`. ${r.rounds} rounds × ${r.durationSeconds} s, ${r.connectionsPerVariant} connections each, all three at once. \`proxied\` is the gateway proxying to the legacy app; \`proxy-floor\` forwards to the same legacy app on bare \`node:http\` with undici's pool and nothing else (\`benchmarks/floor/proxy-server.ts\`); \`express\` is the legacy app answering directly. For the two proxies only the proxy process's CPU is counted (one legacy app behind both). When the machine's cores are the bottleneck, a proxied request costs everything a direct one does plus the proxy's CPU, so proxied/direct throughput cannot exceed direct / (direct + proxy), where direct is the whole machine's CPU per direct request in the sequential run above (Express, load generator, PostgreSQL, Redis)._`);
  w();
  w('| scenario | gateway proxy µs CPU per request | bare Node proxy µs | Express answering µs | gateway proxy / bare proxy | machine µs per direct request (sequential run) | ceiling of proxied/direct with the bare proxy | with the gateway proxy | measured (sequential run) |');
  w('|---|---|---|---|---|---|---|---|---|');
  for (const s of r.scenarios) {
    const [gateway, bare, express] = ['proxied', 'proxy-floor', 'express'].map((n) => s.variants.find((v) => v.name === n));
    if (!gateway || !bare || !express) continue;
    const overBare = perRound(gateway, bare, (g, b) => g.cpuUsPerRequest / b.cpuUsPerRequest);
    const direct = summary.cells.find((c) => c.scenario === s.name && c.path === 'express-direct');
    const machineUs = direct ? ((direct.serverCpuSeconds + direct.loadGeneratorCpuSeconds + direct.postgresCpuSeconds + direct.redisCpuSeconds) * 1e6) / (direct.reqPerSec * durationSeconds) : NaN;
    const ceiling = (proxyUs: number) => (Number.isFinite(machineUs) ? `${Math.round((100 * machineUs) / (machineUs + proxyUs))}%` : '–');
    const measured = summary.ratios.find((x) => x.scenario === s.name)?.proxyThroughput ?? NaN;
    w(`| ${s.title} | ${num(gateway.medianCpuUsPerRequest, 1)} | ${num(bare.medianCpuUsPerRequest, 1)} | ${num(express.medianCpuUsPerRequest, 1)} | ${num(overBare ?? NaN, 2)}x | ${num(machineUs, 1)} | ${ceiling(bare.medianCpuUsPerRequest)} | ${ceiling(gateway.medianCpuUsPerRequest)} | ${Number.isFinite(measured) ? `${Math.round(measured * 100)}%` : '–'} |`);
  }
  w();
  w('The µs figures of the two methods come from different loads (17 connections each, three servers at once, against 50 connections on one path): read the ceilings as estimates.');
  w();
}

// Writes the run's raw JSON (benchmarks/results/<timestamp>.json, not in git) and STATUS.md.
// STATUS.md is only ever written here (at most about 150 lines: the dashboard, not a notebook).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FEATURES, type FeatureName } from '../flags/registry.ts';
import { parseEnvFlags } from '../flags/parse.ts';
import { IDLE_PROBE_SECONDS, type MemoryCurve } from './memory.ts';
import { cpuEfficiencyTarget, mb, median, perRound, PROXY_CPU_OVER_BARE, proxyTarget, READ_TARGETS, type RoundResult, type Summary, type Target } from './summary.ts';
import { perRoundRatio } from './ratio-interval.ts';
import type { PairedRecord } from './paired.ts';
import { CROSS_CHECKS, type CrossCheck } from './cross-checks.ts';

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
  /** The gateways' and the floor's NODE_OPTIONS (deploy/gateway.env). */
  gatewayNodeOptions?: string;
  notes: string[];
}

export interface RunRecord {
  meta: RunMeta;
  results: RoundResult[];
  summary: Summary;
  /** Every server's RSS/heap curve through and after the run (absent in older results). */
  memory?: MemoryCurve;
}

/** `<timestamp>.json` (`-partial` when the run was filtered or --no-status) in `dir`, which git ignores. */
export async function writeResults(dir: string, record: RunRecord, partial: boolean): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${record.meta.startedAt.replace(/:/g, '-')}${partial ? '-partial' : ''}.json`);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

/** The newest full run's results file in `dir` (names are ISO timestamps, so they sort by time). */
export function newestResults(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const runs = readdirSync(dir).filter((f) => /^\d{4}-.*\d{3}Z\.json$/.test(f)).sort();
  return runs.length ? join(dir, runs[runs.length - 1]) : undefined;
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

export interface StatusOptions {
  parityFile: string;
  /** The raw results file of this run, as STATUS.md links it. */
  resultsFile: string;
  renderedAt?: string;
}

/** A cross-check's results, only when it ran after this run started (an older file describes other code). */
function crossCheck(check: CrossCheck, since: string): PairedRecord | null {
  const file = new URL(`./results/${check.file}`, import.meta.url);
  if (!existsSync(file)) return null;
  const r = JSON.parse(readFileSync(file, 'utf8')) as PairedRecord;
  return r.date >= since ? r : null;
}

/** The targets of this run, the proxy's from its cross-check (run by `make bench` after the main run). */
export function targetsOf(record: RunRecord): Target[] {
  return [...record.summary.targets, proxyTarget(crossCheck(CROSS_CHECKS.proxy, record.meta.startedAt))];
}

/**
 * STATUS.md: the dashboard (what was run, features, targets, memory, cross-checks, shadow cost, links), short
 * on purpose. The raw figures stay in the results JSON; what each optimisation buys is docs/performance.md.
 */
export function renderStatus(record: RunRecord, opts: StatusOptions): string {
  const { meta, summary } = record;
  const out: string[] = [];
  const w = (s = '') => out.push(s);
  const envFlags = parseEnvFlags(process.env);
  const parity = parityOf(opts.parityFile);

  w('# MotoVaultPro — status');
  w();
  const rerendered = opts.renderedAt ? `, tables re-rendered on ${opts.renderedAt}` : '';
  w(`_Written by \`make bench\` (\`${meta.command}\`) on ${meta.finishedAt}${rerendered}. Do not edit by hand. Raw results: \`${opts.resultsFile}\` on the machine that ran it (not in git)._`);
  w();
  if (meta.mode === 'quick') {
    w('> **Smoke run (`make bench QUICK=1`): it proves the pipeline, its figures are not the measurement.** One short round per path and no cross-checks; run the full `make bench` on a quiet machine for the figures.');
    w();
  }
  w('## What was run');
  w();
  w(`- **${meta.mode}** run: ${meta.rounds} round(s) × ${meta.durationSeconds} s per scenario and path, ${meta.connections} connections, warm-up ${meta.warmupSeconds.first} s (round 1) / ${meta.warmupSeconds.later} s, paths interleaved (Express direct, gateway→proxy→Express, gateway native, and the bare \`node:http\` floor doing the same work, \`benchmarks/floor/server.ts\`). Medians over rounds; ratios are medians of per-round ratios.`);
  w(`- Machine: ${meta.machine.cores} cores (${meta.machine.model}), ${num(meta.machine.memoryBytes / 1024 ** 3, 1)} GiB, Linux ${meta.machine.kernel}; the load generator, PostgreSQL and Redis share the cores with the servers, so requests per server CPU-second is the comparison that counts.`);
  const others = record.results.map((x) => x.measurement.otherCpuSeconds);
  if (others.length) {
    const med = median(others);
    const max = Math.max(...others);
    const share = (v: number) => `${Math.round((100 * v) / (meta.durationSeconds * meta.machine.cores))}%`;
    w(`- Other jobs on the machine: median ${share(med)}, worst ${share(max)} of its CPU during a measurement.${max > 0.1 * meta.durationSeconds * meta.machine.cores ? ' **Not a quiet machine: compare paths within a scenario, not across runs.**' : ''}`);
  }
  const build = meta.entry === 'dist' ? 'the production build (`dist/`)' : meta.entry === 'source' ? '**the TypeScript sources**' : 'unknown code';
  w(`- Node ${meta.node}; servers ran ${build}, gateways and floor with \`NODE_OPTIONS=${meta.gatewayNodeOptions ?? '?'}\` (\`deploy/gateway.env\`, as \`npm start\`).`);
  w(`- Data: ${Object.entries(meta.dataset).map(([k, v]) => `${num(v)} ${k}`).join(', ')}. PostgreSQL: ${meta.database}. Redis: ${meta.redis}. RATE_LIMIT_MAX=${num(meta.rateLimitMax)} (the limiter runs, never trips).`);
  w(`- Idle RSS read ${meta.idleSeconds ?? '?'} s after start, \`/health\` probed every ${IDLE_PROBE_SECONDS} s meanwhile: ${Object.entries(meta.idleRss).map(([k, v]) => `${k} ${mb(v)} MB`).join(', ')}.`);
  for (const n of meta.notes) w(`- Note: ${n}`);
  if (summary.totalFailures > 0) w(`- **${num(summary.totalFailures)} measured requests failed** (non-2xx, errors or wrong \`x-backend\`): those figures are not trustworthy.`);
  w();

  w('## Features');
  w();
  w('| feature | default backend | parity suite | scenario | native % of floor (per CPU-s) | native/Express per CPU-s | p99 native/Express | peak RSS native/Express | proxied/direct req/s |');
  w('|---|---|---|---|---|---|---|---|---|');
  for (const f of FEATURES) {
    const rows = summary.ratios.filter((x) => x.feature === f.name);
    const flag = envFlags[f.name];
    const head = `| ${f.name} | ${flag.backend} | ${parity(f.name)} |`;
    if (rows.length === 0) w(`${head} not measured | | | | | |`);
    rows.forEach((x, i) => {
      w(`${i === 0 ? head : '| | | |'} ${x.scenario} | ${pct(x.nativeOfFloor)} | ${ratio(x.cpuEfficiency)} | ${ratio(x.p99)} | ${ratio(x.memory)} | ${pct(x.proxyThroughput)} |`);
    });
  }
  w();

  w('## Targets');
  w();
  w('| target | rule | result | measured | missed by |');
  w('|---|---|---|---|---|');
  for (const t of targetsOf(record)) w(`| ${t.name} | ${t.rule} | ${verdict(t.met)} | ${t.detail} | ${t.missedBy ?? ''} |`);
  w();
  w('What a missed target would take with standard means, and what was tried: [docs/performance.md](docs/performance.md).');
  w();

  if (summary.memory.length) {
    w('## Memory');
    w();
    w(`RSS sampled every ${record.memory?.intervalMs ?? 250} ms by a preloaded probe. Idle = before the first measurement; after = the end of a ${meta.coolDownSeconds ?? 15} s cool-down; returned = share of (peak − idle) given back by then.`);
    w();
    w('| process | idle RSS MB | peak RSS MB | after RSS MB | returned | peak heap used / total MB |');
    w('|---|---|---|---|---|---|');
    for (const m of summary.memory) w(`| ${m.name} | ${mb(m.idleRss)} | ${mb(m.peakRss)} | ${mb(m.afterRss)} | ${pct(m.rssReturned)} | ${mb(m.peakHeapUsed)} / ${mb(m.peakHeapTotal)} |`);
    w();
  }

  renderCrossChecks(w, meta.startedAt);
  renderTracingCost(w, meta.startedAt);
  renderShadowCost(w);

  w('## Links');
  w();
  w('- [docs/performance.md](docs/performance.md): each optimisation that stays (what it buys, what it costs, when to revisit), what was tried and dropped, the paired before/after runs.');
  w('- [benchmarks/README.md](benchmarks/README.md): how to run `make bench`, `benchmarks/paired.ts` and the other tools; results land in `benchmarks/results/` (ignored by git).');
  w('- [deploy/gateway.env](deploy/gateway.env): the gateway\'s Node options, the only place they are written.');
  w();
  return out.join('\n');
}

/**
 * The read targets measured the other way: native, floor and Express loaded at once (each round's ratios share
 * that round's noise), on the benchmark's data and on 20 vehicles per user; and the gateway's proxy against a
 * bare Node proxy. Only cross-checks run after this run started.
 */
function renderCrossChecks(w: (s?: string) => void, since: string): void {
  const reads = crossCheck(CROSS_CHECKS.reads, since);
  const vehicles20 = crossCheck(CROSS_CHECKS.vehicles20, since);
  const proxy = crossCheck(CROSS_CHECKS.proxy, since);
  w('## Cross-checks: the servers loaded at once');
  w();
  if (!reads && !vehicles20 && !proxy) {
    w('_Not run (a full `make bench` runs them after the main run: `node benchmarks/cross-checks.ts`)._');
    w();
    return;
  }
  const rounds = reads ?? vehicles20 ?? proxy;
  w(`_${rounds?.rounds} rounds × ${rounds?.durationSeconds} s, ${rounds?.connectionsPerVariant} connections per server, all at once (\`node benchmarks/cross-checks.ts\`). Targets: native ≥ 85% of floor, ≥ 1.5x Express (cached 2x), p99 ≤ 0.7x; proxy ≤ ${PROXY_CPU_OVER_BARE}x the bare proxy's CPU._`);
  w();
  w('| scenario | native % of floor | native/Express per CPU-s | p99 native/Express | gateway proxy / bare proxy CPU |');
  w('|---|---|---|---|---|');
  const mark = (ok: boolean) => (ok ? '' : ' ✗');
  const rows = [...(reads?.scenarios ?? []).map((s) => ({ s, title: s.title })), ...(vehicles20?.scenarios ?? []).map((s) => ({ s, title: `${s.title}, 20 vehicles per user` }))];
  const proxyOf = (name: string) => {
    const s = proxy?.scenarios.find((x) => x.name === name);
    const [gateway, bare] = ['proxied', 'proxy-floor'].map((n) => s?.variants.find((v) => v.name === n));
    const v = gateway && perRound(gateway, bare, (g, b) => g.cpuUsPerRequest / b.cpuUsPerRequest);
    return v === undefined ? '–' : `${num(v, 2)}x${mark(v <= PROXY_CPU_OVER_BARE)}`;
  };
  for (const { s, title } of rows) {
    const [native, floor, express] = ['native', 'floor', 'express'].map((n) => s.variants.find((v) => v.name === n));
    if (!native) continue;
    const ofFloor = perRound(native, floor, (n, f) => f.cpuUsPerRequest / n.cpuUsPerRequest);
    const vsExpress = perRound(native, express, (n, e) => e.cpuUsPerRequest / n.cpuUsPerRequest);
    const p99 = perRound(native, express, (n, e) => n.p99Ms / e.p99Ms);
    const proxyCell = title === s.title ? proxyOf(s.name) : '';
    w(`| ${title} | ${ofFloor === undefined ? '–' : `${Math.round(ofFloor * 100)}%${mark(ofFloor >= READ_TARGETS.nativeOfFloor)}`} | ${vsExpress === undefined ? '–' : `${num(vsExpress, 2)}x${mark(vsExpress >= cpuEfficiencyTarget(s.name))}`} | ${p99 === undefined ? '–' : `${num(p99, 2)}x${mark(p99 <= READ_TARGETS.p99)}`} | ${proxyCell} |`);
  }
  if (!reads && proxy) for (const s of proxy.scenarios) w(`| ${s.title} | | | | ${proxyOf(s.name)} |`);
  w();
}

interface ShadowRow { stage: string; reqPerSec: number; p50: number; p99: number; gatewayCpuSecondsPer1k: number; legacyCpuSecondsPer1k: number; failures: number }
interface CpuSplit { main: number; replay: number; total: number }

/**
 * benchmarks/shadow-overhead.ts: the express stage again, in slices of its own, measured like the others: how
 * far the same setting differs from itself in a run (the noise of the shared machine).
 */
export const CONTROL_STAGE = 'express again (control)';
interface ShadowRecord {
  date: string; mode: string; seconds: number; rounds: number; fixedRate: number; fixedSeconds?: number; fixedRounds?: number;
  /** How the replay worker's threads gave way (GET /admin/shadow → replay.scheduling; absent in older results). */
  replayScheduling?: string | null;
  /** The worker's own cgroup (SHADOW_WORKER_CGROUP=auto) and the stage without it (absent in older results). */
  workerCgroup?: string;
  saturated: ShadowRow[];
  atFixedRate: Array<{
    stage: string; p50: number; p99: number; non2xx: number; requests?: number; cpuMsPerRequest?: CpuSplit;
    rounds?: Array<{ p50: number; p99: number; mainCpuMsPerRequest: number }>;
    /** The gateway main thread's GC pauses per second of load, and its mark-compacts in all (absent in older results). */
    gcMsPerSecond?: { young: number; old: number };
    markCompacts?: number;
    /** 90 % intervals of the p50 and p99 ratios to the express stage (benchmarks/ratio-interval.ts; absent in older results). */
    vsExpress?: { p50: [number, number]; p99: [number, number] };
  }>;
  /** Issue 29: the replay worker's memory while on and after it stopped (absent in older results). */
  memory?: {
    expressGatewayRssBytes: number; afterStopMs: number;
    whileOn: Array<{ name: string; rssBytes: number; heap: { usedBytes: number; totalBytes: number; rssBytes?: number } | null }>;
    afterStop: Array<{ name: string; rssBytes: number }>;
  };
  /** The fixed-rate part's samples (before 2026-12-07: the whole run's, saturated stages included; no skippedBy). */
  shadowReport: { compared: number; matched: number; mismatched: number; skipped: number; skippedBy?: Record<string, number>; errored: number };
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

/** The shadow stage's cost to clients, from benchmarks/shadow-overhead.ts (run by `make bench` first). */
/** Tracing's cost on the native gateway (the tracing cross-check): CPU per request and p99 against tracing off. */
function renderTracingCost(w: (s?: string) => void, since: string): void {
  const tracing = crossCheck(CROSS_CHECKS.tracing, since);
  w('## Tracing cost (OpenTelemetry)');
  w();
  if (!tracing) {
    w('_Not run (a full `make bench` runs it with the cross-checks)._');
    w();
    return;
  }
  w(`_Native gateway, the three variants loaded at once, ${tracing.rounds} rounds × ${tracing.durationSeconds} s; off = no \`OTEL_*\` (no SDK loaded); spans exported over OTLP/HTTP JSON to a closed port (built, batched and serialised; the send fails at connect)._`);
  w();
  w('| scenario | CPU per request, sampled 10 % / off | p99, sampled 10 % / off | CPU per request, every request / off | p99, every request / off |');
  w('|---|---|---|---|---|');
  for (const s of tracing.scenarios) {
    const [off, ten, all] = ['off', 'sampled-10', 'sampled-100'].map((n) => s.variants.find((v) => v.name === n));
    if (!off) continue;
    type Round = { cpuUsPerRequest: number; p99Ms: number };
    const cell = (v: typeof off | undefined, f: (a: Round, b: Round) => number) => {
      const r = v && perRound(v, off, f);
      return r === undefined ? '–' : `${num(r, 2)}x`;
    };
    const cpu = (a: Round, b: Round) => a.cpuUsPerRequest / b.cpuUsPerRequest;
    const p99 = (a: Round, b: Round) => a.p99Ms / b.p99Ms;
    w(`| ${s.title} | ${cell(ten, cpu)} | ${cell(ten, p99)} | ${cell(all, cpu)} | ${cell(all, p99)} |`);
  }
  w();
}

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
  const why = sr.skippedBy ? Object.entries(sr.skippedBy).map(([reason, n]) => `${reason} ${num(n)}`).join(', ') : 'over budget, event-loop lag or a provider call a replay never makes';
  w(`Shadow report ${sr.skippedBy ? 'of the fixed-rate samples' : 'after the run'}: compared ${num(sr.compared)}, matched ${num(sr.matched)}, mismatched ${num(sr.mismatched)}, skipped ${num(sr.skipped)} (${why || 'none'}), errored ${num(sr.errored)}. Added latency is the difference between the fixed-rate columns (the saturated columns include the replay worker's CPU competing with the client's requests on the same 2 cores).`);
  w();
  const fixedBase = r.atFixedRate.find((x) => x.stage === 'express');
  if (fixedBase?.cpuMsPerRequest) {
    const vs = (v: number, b: number | undefined, stage: string) => (b && stage !== 'express' ? ` (${num(v / b, 2)}x)` : '');
    const pooled = r.fixedRounds ? `one gateway whose vehicles flag is set before each slice, ${r.fixedRounds} rounds × ${r.fixedSeconds} s per stage, the stages taking turns in each round (the order rotating), an open loop timed in microseconds (benchmarks/open-loop.ts); percentiles over every request of the rounds together, CPU summed over them` : 'medians over rounds';
    const cgroup = r.workerCgroup ? ` Its cgroup (SHADOW_WORKER_CGROUP=auto, the default: an idle cgroup the gateway makes for it where it may write the cgroup tree): ${r.workerCgroup}.` : '';
    const scheduling = r.replayScheduling ? ` The replay worker ran under ${r.replayScheduling}, in the gateway's session (docs/shadow.md, "The worker's priority").${cgroup}` : '';
    w(`At a fixed ${r.fixedRate} req/s (${pooled}), CPU per client request: the gateway's main thread (the clients' event loop), the shadow replay worker process (all its threads), and both processes in all (the gateway's other threads included).${scheduling}`);
    w();
    const gc = r.atFixedRate.some((x) => x.gcMsPerSecond);
    w(`| stage | p50 ms | p99 ms | p99 per round, min–max | main-thread CPU ms/req | replay process CPU ms/req | gateway + replay CPU ms/req |${gc ? ' gateway GC pauses ms/s: young / old (mark-compacts) |' : ''}`);
    w(`|---|---|---|---|---|---|---|${gc ? '---|' : ''}`);
    for (const x of r.atFixedRate) {
      const c = x.cpuMsPerRequest;
      if (!c) continue;
      const spread = x.rounds?.length ? `${num(Math.min(...x.rounds.map((q) => q.p99)), 2)}–${num(Math.max(...x.rounds.map((q) => q.p99)), 2)}` : '-';
      const pauses = gc ? ` ${x.gcMsPerSecond ? `${num(x.gcMsPerSecond.young, 2)} / ${num(x.gcMsPerSecond.old, 2)} (${x.markCompacts ?? 0})` : '-'} |` : '';
      w(`| ${x.stage} | ${num(x.p50, 2)}${vs(x.p50, fixedBase.p50, x.stage)} | ${num(x.p99, 2)}${vs(x.p99, fixedBase.p99, x.stage)} | ${spread} | ${num(c.main, 3)}${vs(c.main, fixedBase.cpuMsPerRequest.main, x.stage)} | ${num(c.replay, 3)} | ${num(c.total, 3)}${vs(c.total, fixedBase.cpuMsPerRequest.total, x.stage)} |${pauses}`);
    }
    w();
    if (gc) {
      w('GC pauses: the gateway main thread\'s garbage-collection time per second of load in each stage (prom-client\'s `nodejs_gc_duration_seconds` from its `/metrics`, read around each slice): young generation (scavenges) and old generation (mark-compact pauses and incremental marking steps), with the number of mark-compacts — each stops the clients\' event loop for several milliseconds. A replay that held its samples too long made the 100 % stage\'s old generation grow about three times as fast as the express stage\'s (docs/shadow.md "Cost").');
      w();
    }
    // Issue 29's targets, judged from the table above.
    const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
    const lines: string[] = [];
    for (const x of r.atFixedRate) {
      if (x.stage === 'express') continue;
      const p50 = x.p50 / fixedBase.p50;
      const p99 = x.p99 / fixedBase.p99;
      const interval = (q: 'p50' | 'p99') => (x.vsExpress ? ` [${num(x.vsExpress[q][0], 2)}–${num(x.vsExpress[q][1], 2)}]` : '');
      const paired = (q: 'p50' | 'p99') => {
        const ratio = x.rounds && fixedBase.rounds?.length === x.rounds.length ? perRoundRatio(x.rounds.map((o) => o[q]), fixedBase.rounds.map((o) => o[q])) : Number.NaN;
        return Number.isNaN(ratio) ? '' : ` (per round ${num(ratio, 2)})`;
      };
      const within = (q: 'p50' | 'p99') => `${interval(q)}${paired(q)}`;
      if (x.stage === CONTROL_STAGE) {
        lines.push(`the control (the express stage again, in slices of its own): p50 ${num(p50, 2)}x${within('p50')} and p99 ${num(p99, 2)}x${within('p99')} — what the same setting differs by from itself in this run`);
        continue;
      }
      lines.push(`${x.stage}: client p50 ${num(p50, 2)}x${within('p50')} and p99 ${num(p99, 2)}x${within('p99')} of the express stage (target ≤ 1.10x: ${verdict(p50 <= 1.1)} / ${verdict(p99 <= 1.1)})`);
    }
    const full = r.atFixedRate.find((x) => x.stage === 'shadow 100%');
    if (full?.cpuMsPerRequest) {
      const ratio = full.cpuMsPerRequest.main / fixedBase.cpuMsPerRequest.main;
      lines.push(`main-thread CPU per request at 100 % ${num(ratio, 2)}x (target ≤ 1.3x: ${verdict(ratio <= 1.3)}); gateway and replay processes per shadowed request ${num(full.cpuMsPerRequest.total, 3)} ms against ${num(fixedBase.cpuMsPerRequest.total, 3)} ms unshadowed`);
    }
    const intervals = r.atFixedRate.some((x) => x.vsExpress) ? ' In brackets: the ratio\'s 90 % interval, from the rounds resampled with replacement (the same rounds for both stages; benchmarks/ratio-interval.ts) — how far the figure could move with another draw of the machine\'s slow moments. In parentheses, per round: the geometric mean of each round\'s ratio to the express slice of the same round, which one slow spell moves less than the pooled figure (the targets are judged on the pooled one).' : '';
    w(`Targets (issue 29): ${lines.join('; ')}.${intervals}`);
    w();
  }
  const m = r.memory;
  if (m) {
    const mb = (b: number) => num(b / 1048576, 1);
    const replay = (h: NonNullable<(typeof m.whileOn)[number]['heap']>) => `${h.rssBytes === undefined ? '' : `replay process RSS ${mb(h.rssBytes)} MB, `}replay heap ${mb(h.usedBytes)} MB used of ${mb(h.totalBytes)} MB`;
    const on = m.whileOn.map((g) => `${g.name} RSS ${mb(g.rssBytes)} MB, ${g.heap ? replay(g.heap) : 'replay n/a'}`).join('; ');
    const off = m.afterStop.map((g) => `${g.name} RSS ${mb(g.rssBytes)} MB`).join('; ');
    w(`Replay memory while on (after the load): ${on}. ${m.afterStopMs / 1000} s after vehicles left shadow and the workers stopped: ${off}. The express-stage gateway for reference: RSS ${mb(m.expressGatewayRssBytes)} MB.`);
    w();
  }
}

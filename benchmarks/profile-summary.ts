// `node benchmarks/profile-summary.ts <file.cpuprofile> [--top N] [--from S] [--to S]` — where a V8 CPU
// profile (from `node benchmarks/run.ts --cpu-prof …`) spends its time: a busy-per-second timeline (to
// pick the measured window and leave start-up out), self time by package/area and by function, and
// inclusive time of the project's own functions and key libraries. --from/--to: seconds since the
// profile started; only samples in that window count. --requests N (answered in that window) adds
// CPU µs per request to the per-package inclusive table.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values: opts, positionals } = parseArgs({
  options: { top: { type: 'string', default: '25' }, from: { type: 'string' }, to: { type: 'string' }, requests: { type: 'string' } },
  allowPositionals: true,
});
const file = positionals[0];
if (!file) {
  console.error('usage: node benchmarks/profile-summary.ts <file.cpuprofile> [--top N] [--from S] [--to S]');
  process.exit(2);
}
const top = Number(opts.top);
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const nodeOf = (id: number): Node => {
  const n = byId.get(id);
  if (!n) throw new Error(`${file}: sample refers to node ${id}, which the profile does not have`);
  return n;
};
const isIdle = (id: number) => nodeOf(id).callFrame.functionName === '(idle)';

// Sample times (µs since the profile started) and the busy timeline per second.
const at: number[] = [];
let clock = 0;
for (const d of prof.timeDeltas) {
  clock += d;
  at.push(clock);
}
const seconds = Math.ceil(clock / 1e6);
const busy = new Array<number>(seconds + 1).fill(0);
prof.samples.forEach((id, i) => {
  if (!isIdle(id)) busy[Math.floor(at[i] / 1e6)] += prof.timeDeltas[i] ?? 0;
});
console.log(`busy per second: ${busy.map((us, s) => `${s}:${Math.round(us / 1e4)}%`).join(' ')}`);

const from = opts.from ? Number(opts.from) * 1e6 : 0;
const to = opts.to ? Number(opts.to) * 1e6 : Infinity;
const inWindow = (i: number) => at[i] >= from && at[i] <= to;

// Self time per node from the samples and their time deltas (µs), idle left out.
const self = new Map<number, number>();
prof.samples.forEach((id, i) => {
  if (inWindow(i) && !isIdle(id)) self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const m = /\/work\/[^/]+\/(.*)$/.exec(url) ?? /file:\/\/.*?\/((?:src|fastify-features|flags|legacy-express|dev)\/.*)$/.exec(url);
  return m ? m[1].split('/').slice(0, 2).join('/') : url;
}

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const tally = (key: (n: Node) => string) => {
  const m = new Map<string, number>();
  for (const [id, us] of self) {
    const k = key(nodeOf(id));
    m.set(k, (m.get(k) ?? 0) + us);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
};

console.log(`${file}: ${(total / 1e6).toFixed(2)} s busy (idle excluded) in ${opts.from ?? 0}..${opts.to ?? 'end'} s; percentages are of busy time`);
console.log('\nself time by package / area');
for (const [k, us] of tally((n) => area(n.callFrame.url, n.callFrame.functionName))) console.log(`${pct(us)}  ${k}`);
console.log('\nself time by function');
for (const [k, us] of tally((n) => `${n.callFrame.functionName || '(anonymous)'}  ${area(n.callFrame.url, '')}:${n.callFrame.lineNumber + 1}`)) console.log(`${pct(us)}  ${k}`);

// Inclusive time per package: a sample counts for every package on its stack (so rows overlap).
const perReq = opts.requests ? Number(opts.requests) : 0;
const pkgIncl = new Map<string, number>();
prof.samples.forEach((id, i) => {
  if (!inWindow(i) || isIdle(id)) return;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = nodeOf(cur);
    seen.add(area(n.callFrame.url, n.callFrame.functionName));
  }
  for (const k of seen) pkgIncl.set(k, (pkgIncl.get(k) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
console.log(`\ninclusive time by package (a sample counts for every package on its stack)${perReq ? `; µs of CPU per request over ${perReq} requests (total ${(total / perReq).toFixed(0)} µs)` : ''}`);
for (const [k, us] of [...pkgIncl.entries()].filter(([k]) => !k.startsWith('node:') && k !== '(root)' && k !== '(program)').sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${pct(us)}  ${perReq ? `${(us / perReq).toFixed(0).padStart(5)} µs  ` : ''}${k}`);
}

// Inclusive time: every distinct function on a sample's stack gets the sample's time once.
const inclusive = new Map<string, number>();
prof.samples.forEach((id, i) => {
  if (!inWindow(i) || isIdle(id)) return;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = nodeOf(cur);
    const a = area(n.callFrame.url, n.callFrame.functionName);
    const k = `${n.callFrame.functionName || '(anonymous)'}  ${a}:${n.callFrame.lineNumber + 1}`;
    if (!seen.has(k)) {
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + (prof.timeDeltas[i] ?? 0));
    }
  }
});
console.log('\ninclusive time by function (project code and key libraries)');
const interesting = /(src|fastify-features|flags|legacy-express)\/|fastify|@fastify|jose|pg|ioredis|ajv|pino|undici|express|helmet|prom-client/;
for (const [k, us] of [...inclusive.entries()].filter(([k]) => interesting.test(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);

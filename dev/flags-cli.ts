// `make flip|unflip|status|canary|rollback|ramp|…`: talks to the running gateway's admin API with a dev
// token carrying admin:flags (or ADMIN_TOKEN when you use a real issuer). Arguments are NAME=value pairs
// (the Makefile passes its variables through; empty means unset); a value the command would not honour
// stops it with the variable's name.
import { ensureDevKeys, signToken, DEV_AUDIENCE, DEV_ISSUER } from './keys.ts';
import { printShadow, printShadowFeature } from './shadow-print.ts';
import { GUARD_STATE_MEANING, type GuardState } from '../src/progressive/guard-state.ts';

const [command, ...pairs] = process.argv.slice(2);
const args = new Map<string, string>();
for (const p of pairs) {
  const eq = p.indexOf('=');
  if (eq > 0 && p.slice(eq + 1).trim() !== '') args.set(p.slice(0, eq), p.slice(eq + 1).trim());
}
const gateway = process.env.GATEWAY_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3001}`;

function usage(msg: string): never {
  console.error(`${msg}
usage: make flip FEATURE=<vehicles|fuel-logs|stations|maintenance|all> BACKEND=<express|fastify> [OPS=reads|writes] [FORCE=1] | make unflip FEATURE=…
       make canary FEATURE=… PERCENT=25 [OPS=reads|writes] [FORCE=1] | make rollback FEATURE=… [OPS=reads|writes] | make status
       make ramp FEATURE=… [STEPS=5,25,50,100] [DWELL=60] [MIN_REQUESTS=200] [OPS=reads|writes] | make ramp-pause|ramp-resume|ramp-abort FEATURE=…
       make chaos FEATURE=… ERRORS=30 LATENCY_MS=200 [MUTATE=nickname] | make chaos-off
       make shadow FEATURE=… [RATE=100] | make shadow-report [FEATURE=…] | make shadow-reset [FEATURE=…]
OPS: which requests move — reads (GET, HEAD), writes (the rest) or, by default, both. Writes never serve natively more users than reads.`);
  process.exit(2);
}

async function adminToken(): Promise<string> {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  const keys = await ensureDevKeys();
  return signToken({ privateJwk: keys.privateJwk, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub: `cli:${process.env.USER ?? 'dev'}`, permissions: ['admin:flags'], expiresIn: '5m' });
}

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(gateway + path, {
    method,
    headers: { authorization: `Bearer ${await adminToken()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  }).catch(() => {
    console.error(`cannot reach the gateway at ${gateway} — is \`make dev\` running?`);
    process.exit(1);
  });
  const json = await res.json();
  if (!res.ok) {
    const details = json.error?.details?.map((d: { field: string; message: string }) => `${d.field} ${d.message}`).join('; ');
    console.error(`${res.status} ${json.error?.code}: ${json.error?.message}${details ? ` (${details})` : ''}`);
    if (res.status === 401) console.error(`the gateway at ${gateway} did not accept this checkout's dev token (.data/dev-keys): is it this checkout's \`make dev\`? Set GATEWAY_URL (or PORT) to its address, or ADMIN_TOKEN for a real issuer`);
    process.exit(1);
  }
  return json;
}

interface SideView { stage: string; percent: number }
interface GuardView { state: GuardState; figures: { native?: { requests: number; successRate: number; p99: number }; legacy?: { requests: number; successRate: number; p99: number }; breaches?: string[] } | null;
  lastDecision: { at: string; figures: { breaches?: string[] } } | null }
interface View {
  features: Record<string, { reads: SideView; writes: SideView; shadowRate: number; source: string; changedBy: string | null; changedAt: string | null; reason: string | null;
    guards: { reads: GuardView; writes: GuardView };
    ramp: { state: string; ops: string[]; steps: number[]; stepIndex: number } | null }>;
  audit: Array<{ feature: string; action: string; fromRollout: { reads: SideView; writes: SideView } | null; toRollout: { reads: SideView; writes: SideView } | null;
    reason: string; details: { breaches?: string[]; note?: string; side?: string } | null; changedBy: string; changedAt: string }>;
}


const sideText = (s: SideView | undefined, rate?: number) =>
  (!s ? '?' : s.stage === 'canary' ? `canary ${s.percent}%` : s.stage === 'shadow' && rate !== undefined ? `shadow ${rate}%` : s.stage);
const figuresText = (g: GuardView) => {
  const f = g.figures;
  if (!f?.native || !f.legacy) return '';
  return `native ${f.native.requests} req, ${(f.native.successRate * 100).toFixed(2)}% ok, p99 ${f.native.p99} ms | legacy ${f.legacy.requests} req, ${(f.legacy.successRate * 100).toFixed(2)}% ok, p99 ${f.legacy.p99} ms`;
};

function print(view: View) {
  const seen = new Set<GuardState>();
  console.log('feature       reads         writes        source    guard (reads/writes)     ramp                     last change');
  for (const [name, s] of Object.entries(view.features)) {
    const r = s.ramp;
    const ramp = r && (r.state === 'running' || r.state === 'paused')
      ? `${r.state} ${r.ops.join('+')} ${r.steps.map((p, i) => (i === r.stepIndex ? `[${p}]` : p)).join(',')}` : '-';
    const change = s.changedAt ? `${s.changedAt} by ${s.changedBy} (${s.reason})` : '-';
    const guard = `${s.guards.reads.state}/${s.guards.writes.state}`;
    seen.add(s.guards.reads.state).add(s.guards.writes.state);
    console.log(`${name.padEnd(13)} ${sideText(s.reads, s.shadowRate).padEnd(13)} ${sideText(s.writes).padEnd(13)} ${s.source.padEnd(9)} ${guard.padEnd(24)} ${ramp.padEnd(24)} ${change}`);
    for (const side of ['reads', 'writes'] as const) {
      const g = s.guards[side];
      const text = figuresText(g);
      if (text) console.log(`${''.padEnd(14)}${side}: ${text}${g.figures?.breaches?.length ? ` — ${g.figures.breaches.join('; ')}` : ''}`);
    }
    const last = s.guards.reads.lastDecision;
    if (last) console.log(`${''.padEnd(14)}last guard rollback ${last.at}: ${(last.figures.breaches ?? []).join('; ')}`);
  }
  console.log('\nguard states:');
  for (const state of seen) console.log(`  ${state.padEnd(12)} ${GUARD_STATE_MEANING[state] ?? 'unknown state'}`);
  if (view.audit.length) {
    console.log('\nrecent changes:');
    for (const a of view.audit.slice(0, 8)) {
      const why = a.details?.breaches?.length ? `: ${a.details.breaches.join('; ')}` : a.details?.note ? `: ${a.details.note}` : '';
      const move = (k: 'reads' | 'writes') => `${k} ${sideText(a.fromRollout?.[k])} → ${sideText(a.toRollout?.[k])}`;
      console.log(`  ${a.changedAt}  ${a.feature}: ${a.action} ${move('reads')}, ${move('writes')} by ${a.changedBy} (${a.reason}${why})`);
    }
  }
}

function percentArg(name: string, raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,3}$/.test(raw) || Number(raw) > 100) usage(`${name} must be a whole number 0..100`);
  return Number(raw);
}

function wholeArg(name: string, raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) usage(`${name} must be a whole number`);
  return Number(raw);
}

/** OPS (reads | writes | both) and FORCE (1/true), when given. */
function common(allowForce: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const ops = args.get('OPS');
  if (ops !== undefined) {
    if (ops !== 'reads' && ops !== 'writes' && ops !== 'both') usage('OPS must be reads, writes or both');
    out.ops = ops;
  }
  const force = args.get('FORCE');
  if (force !== undefined) {
    if (!allowForce) usage('FORCE is not taken by this command');
    if (!['1', 'true', 'yes'].includes(force.toLowerCase())) usage('FORCE must be 1 (or leave it unset)');
    out.force = true;
  }
  return out;
}

const feature = args.get('FEATURE');
const need = (): string => feature ?? usage('FEATURE is required');
const path = (f: string) => `/admin/flags/${encodeURIComponent(f)}`;
if (command === 'status') {
  print(await call('GET', '/admin/flags'));
  printShadow(await call('GET', '/admin/shadow'));
} else if (command === 'shadow') {
  const rate = args.get('RATE');
  print(await call('PUT', path(need()), { stage: 'shadow', ops: 'reads', ...(rate ? { shadowRate: percentArg('RATE', rate) } : {}) }));
} else if (command === 'shadow-report') {
  if (feature) printShadowFeature(feature, await call('GET', `/admin/shadow/${encodeURIComponent(feature)}`), 5);
  else printShadow(await call('GET', '/admin/shadow'), 3);
} else if (command === 'shadow-reset') {
  await call('DELETE', feature ? `/admin/shadow/${encodeURIComponent(feature)}` : '/admin/shadow');
  console.log(`shadow results reset${feature ? ` for ${feature}` : ''}`);
} else if (command === 'set') {
  const backend = args.get('BACKEND');
  if (backend !== 'express' && backend !== 'fastify') usage('BACKEND must be express or fastify');
  print(await call('PUT', path(need()), { stage: backend, ...common(true) }));
} else if (command === 'clear') {
  print(await call('DELETE', path(need())));
} else if (command === 'canary') {
  print(await call('PUT', path(need()), { stage: 'canary', percent: percentArg('PERCENT', args.get('PERCENT')), ...common(true) }));
} else if (command === 'rollback') {
  print(await call('PUT', path(need()), { stage: 'express', reason: 'make rollback', ...common(false) }));
} else if (command === 'ramp') {
  const body: Record<string, unknown> = common(false);
  const steps = args.get('STEPS');
  const dwell = args.get('DWELL');
  const min = args.get('MIN_REQUESTS');
  if (steps) body.steps = steps.split(',').map((p) => percentArg('STEPS', p.trim()));
  if (dwell) body.dwellSeconds = wholeArg('DWELL', dwell);
  if (min) body.minRequests = wholeArg('MIN_REQUESTS', min);
  print(await call('POST', `${path(need())}/ramp`, body));
} else if (command === 'ramp-action') {
  print(await call('POST', `${path(need())}/ramp/${args.get('ACTION')}`, {}));
} else if (command === 'chaos') {
  const errors = percentArg('ERRORS', args.get('ERRORS') ?? '0');
  const latencyMs = wholeArg('LATENCY_MS', args.get('LATENCY_MS') ?? '0');
  const mutate = args.get('MUTATE'); // MUTATE=nickname: corrupt that field of the native answers (shadow mismatch demo)
  console.log(JSON.stringify(await call('PUT', `/dev/chaos/${encodeURIComponent(need())}`, { errors, latencyMs, ...(mutate ? { mutate } : {}) })));
} else if (command === 'chaos-off') {
  console.log(JSON.stringify(await call('DELETE', `/dev/chaos/${encodeURIComponent(feature ?? 'all')}`)));
} else usage(`unknown command ${command ?? ''}`);

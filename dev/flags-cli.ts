// `make flip` / `make unflip` / `make status` / `make rollback-all`: talks to the running gateway's admin
// API with a dev token carrying admin:flags (or ADMIN_TOKEN when you use a real issuer).
import { ensureDevKeys, signToken, DEV_AUDIENCE, DEV_ISSUER } from './keys.ts';
import { printShadow, printShadowFeature } from './shadow-print.ts';

const [command, feature, backend] = process.argv.slice(2);
const gateway = process.env.GATEWAY_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3001}`;

function usage(msg: string): never {
  console.error(`${msg}\nusage: make flip FEATURE=<vehicles|fuel-logs|stations|maintenance|all> BACKEND=<express|fastify> | make unflip FEATURE=… | make status\n       make canary FEATURE=… PERCENT=25 | make rollback FEATURE=… | make ramp FEATURE=… [STEPS=5,25,50,100] [DWELL=60] [MIN_REQUESTS=200]\n       make ramp-pause|ramp-resume|ramp-abort FEATURE=… | make chaos FEATURE=… ERRORS=30 LATENCY_MS=200 [MUTATE=nickname] | make chaos-off\n       make shadow FEATURE=… [RATE=100] | make shadow-report [FEATURE=…] | make shadow-reset [FEATURE=…]`);
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
    console.error(`${res.status} ${json.error?.code}: ${json.error?.message}`);
    if (res.status === 401) console.error(`the gateway at ${gateway} did not accept this checkout's dev token (.data/dev-keys): is it this checkout's \`make dev\`? Set GATEWAY_URL (or PORT) to its address, or ADMIN_TOKEN for a real issuer`);
    process.exit(1);
  }
  return json;
}

interface View {
  features: Record<string, { stage: string; percent: number; shadowRate: number; source: string; changedBy: string | null; changedAt: string | null; reason: string | null;
    guard: { state: string; figures: { native: { requests: number; successRate: number; p99: number }; legacy: { requests: number; successRate: number; p99: number }; breaches: string[] } | null;
      lastDecision: { at: string; figures: { breaches: string[] } } | null };
    ramp: { state: string; steps: number[]; stepIndex: number } | null }>;
  audit: Array<{ feature: string; action: string; from: string | null; to: string | null; fromPercent: number | null; toPercent: number | null; reason: string; details: { breaches?: string[]; note?: string } | null; changedBy: string; changedAt: string }>;
}

const stageText = (stage: string | null, percent: number | null, rate?: number) =>
  (stage === 'canary' ? `canary ${percent ?? 0}%` : stage === 'shadow' && rate !== undefined ? `shadow ${rate}%` : stage ?? '?');

function print(view: View) {
  console.log('feature       stage         source    guard        ramp                 last change');
  for (const [name, s] of Object.entries(view.features)) {
    const r = s.ramp;
    const ramp = r && (r.state === 'running' || r.state === 'paused')
      ? `${r.state} ${r.steps.map((p, i) => (i === r.stepIndex ? `[${p}]` : p)).join(',')}` : '-';
    const change = s.changedAt ? `${s.changedAt} by ${s.changedBy} (${s.reason})` : '-';
    console.log(`${name.padEnd(13)} ${stageText(s.stage, s.percent, s.shadowRate).padEnd(13)} ${s.source.padEnd(9)} ${s.guard.state.padEnd(12)} ${ramp.padEnd(20)} ${change}`);
    const f = s.guard.figures;
    if (s.stage === 'canary' && f) {
      console.log(`${''.padEnd(14)}native ${f.native.requests} req, ${(f.native.successRate * 100).toFixed(2)}% ok, p99 ${f.native.p99} ms | legacy ${f.legacy.requests} req, ${(f.legacy.successRate * 100).toFixed(2)}% ok, p99 ${f.legacy.p99} ms`);
    }
    if (s.guard.lastDecision) console.log(`${''.padEnd(14)}last guard rollback ${s.guard.lastDecision.at}: ${s.guard.lastDecision.figures.breaches.join('; ')}`);
  }
  if (view.audit.length) {
    console.log('\nrecent changes:');
    for (const a of view.audit.slice(0, 8)) {
      const why = a.details?.breaches?.length ? `: ${a.details.breaches.join('; ')}` : a.details?.note ? `: ${a.details.note}` : '';
      const what = a.action === 'set' || a.action === 'clear' ? `${a.action} ${stageText(a.from, a.fromPercent)} → ${stageText(a.to, a.toPercent)}` : a.action;
      console.log(`  ${a.changedAt}  ${a.feature}: ${what} by ${a.changedBy} (${a.reason}${why})`);
    }
  }
}

function percentArg(name: string, raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,3}$/.test(raw) || Number(raw) > 100) usage(`${name} must be a whole number 0..100`);
  return Number(raw);
}

const [, , , arg3, arg4] = process.argv.slice(2);
const path = (f: string) => `/admin/flags/${encodeURIComponent(f)}`;
if (command === 'status') {
  print(await call('GET', '/admin/flags'));
  printShadow(await call('GET', '/admin/shadow'));
} else if (command === 'shadow') {
  if (!feature) usage('FEATURE is required');
  print(await call('PUT', path(feature), { stage: 'shadow', ...(backend ? { shadowRate: percentArg('RATE', backend) } : {}) }));
} else if (command === 'shadow-report') {
  if (feature) printShadowFeature(feature, await call('GET', `/admin/shadow/${encodeURIComponent(feature)}`), 5);
  else printShadow(await call('GET', '/admin/shadow'), 3);
} else if (command === 'shadow-reset') {
  await call('DELETE', feature ? `/admin/shadow/${encodeURIComponent(feature)}` : '/admin/shadow');
  console.log(`shadow results reset${feature ? ` for ${feature}` : ''}`);
} else if (command === 'set') {
  if (!feature) usage('FEATURE is required');
  if (backend !== 'express' && backend !== 'fastify') usage('BACKEND must be express or fastify');
  print(await call('PUT', path(feature), { backend }));
} else if (command === 'clear') {
  if (!feature) usage('FEATURE is required');
  print(await call('DELETE', path(feature)));
} else if (command === 'canary') {
  if (!feature) usage('FEATURE is required');
  print(await call('PUT', path(feature), { stage: 'canary', percent: percentArg('PERCENT', backend) }));
} else if (command === 'rollback') {
  if (!feature) usage('FEATURE is required');
  print(await call('PUT', path(feature), { stage: 'express', reason: 'make rollback' }));
} else if (command === 'ramp') {
  if (!feature) usage('FEATURE is required');
  const body: Record<string, unknown> = {};
  if (backend) body.steps = backend.split(',').map((p) => percentArg('STEPS', p.trim()));
  if (arg3) body.dwellSeconds = Number(arg3);
  if (arg4) body.minRequests = Number(arg4);
  print(await call('POST', `${path(feature)}/ramp`, body));
} else if (command === 'ramp-action') {
  if (!feature) usage('FEATURE is required');
  print(await call('POST', `${path(feature)}/ramp/${backend}`, {}));
} else if (command === 'chaos') {
  if (!feature) usage('FEATURE is required');
  const errors = percentArg('ERRORS', backend || '0');
  const latencyMs = Number(arg3 || '0');
  if (!Number.isInteger(latencyMs) || latencyMs < 0) usage('LATENCY_MS must be a whole number of ms');
  const mutate = arg4 || undefined; // MUTATE=nickname: corrupt that field of the native answers (shadow mismatch demo)
  console.log(JSON.stringify(await call('PUT', `/dev/chaos/${encodeURIComponent(feature)}`, { errors, latencyMs, ...(mutate ? { mutate } : {}) })));
} else if (command === 'chaos-off') {
  console.log(JSON.stringify(await call('DELETE', `/dev/chaos/${encodeURIComponent(feature || 'all')}`)));
} else usage(`unknown command ${command ?? ''}`);

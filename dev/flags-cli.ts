// `make flip` / `make unflip` / `make status` / `make rollback-all`: talks to the running gateway's admin
// API with a dev token carrying admin:flags (or ADMIN_TOKEN when you use a real issuer).
import { ensureDevKeys, signToken, DEV_AUDIENCE, DEV_ISSUER } from './keys.ts';

const [command, feature, backend] = process.argv.slice(2);
const gateway = process.env.GATEWAY_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3001}`;

function usage(msg: string): never {
  console.error(`${msg}\nusage: make flip FEATURE=<vehicles|fuel-logs|stations|maintenance|all> BACKEND=<express|fastify> | make unflip FEATURE=… | make status`);
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
    process.exit(1);
  }
  return json;
}

function print(view: { features: Record<string, { backend: string; source: string; changedBy: string | null; changedAt: string | null }>; audit: Array<Record<string, string>> }) {
  console.log('feature       backend   source    last change');
  for (const [name, s] of Object.entries(view.features)) {
    console.log(`${name.padEnd(13)} ${s.backend.padEnd(9)} ${s.source.padEnd(9)} ${s.changedAt ? `${s.changedAt} by ${s.changedBy}` : '-'}`);
  }
  if (view.audit.length) {
    console.log('\nrecent changes:');
    for (const a of view.audit.slice(0, 5)) console.log(`  ${a.changedAt}  ${a.feature}: ${a.action} ${a.from ?? '?'} → ${a.to ?? '?'} by ${a.changedBy}`);
  }
}

if (command === 'status') print(await call('GET', '/admin/flags'));
else if (command === 'set') {
  if (!feature) usage('FEATURE is required');
  if (backend !== 'express' && backend !== 'fastify') usage('BACKEND must be express or fastify');
  print(await call('PUT', `/admin/flags/${encodeURIComponent(feature)}`, { backend }));
} else if (command === 'clear') {
  if (!feature) usage('FEATURE is required');
  print(await call('DELETE', `/admin/flags/${encodeURIComponent(feature)}`));
} else usage(`unknown command ${command ?? ''}`);

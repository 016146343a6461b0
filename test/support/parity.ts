// The parity runner: plays each scenario three ways — legacy direct, gateway with the feature on
// express, gateway with it on fastify — with fresh users, and compares what the client saw.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { FakeExternals } from '../../dev/fake-externals/index.ts';
import { Client, type ApiResponse, type Endpoint } from './client.ts';
import { clearKeys, targetList, type TestEnv } from './in-process.ts';
import { answerViolations } from './contract.ts';

export interface ScenarioContext {
  as: Client;
  other: Client;
  anon: Client;
  fakes: FakeExternals;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface Exchange {
  request: string;
  status: number;
  contentType: string | null;
  location: string | null;
  retryAfter: boolean;
  body: unknown;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Ids become <id1>, <id2>… in order of first appearance, timestamps <ts>, user subs <user>. */
export function normaliser() {
  const ids = new Map<string, string>();
  const text = (s: string) => s.replace(UUID, (m) => {
    const k = m.toLowerCase();
    let id = ids.get(k);
    if (id === undefined) {
      id = `<id${ids.size + 1}>`;
      ids.set(k, id);
    }
    return id;
  }).replace(/user-<id\d+>/g, '<user>');
  const value = (v: unknown): unknown => {
    if (typeof v === 'string') return TIMESTAMP.test(v) ? '<ts>' : text(v);
    if (Array.isArray(v)) return v.map(value);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)]));
    return v;
  };
  return { text, value };
}

/** An answer that breaks the OpenAPI document, as the parity runner reports it. */
export interface ContractBreach {
  request: string;
  status: number;
  violations: string[];
}

export function record(log: Exchange[], norm: ReturnType<typeof normaliser>, breaches: ContractBreach[] = []) {
  return (method: string, path: string, res: ApiResponse) => {
    const found = answerViolations(method, path, res);
    if (found.length) breaches.push({ request: `${method} ${path}`, status: res.status, violations: found.map((v) => `${v.path} ${v.message}`) });
    log.push({
      request: `${method} ${norm.text(path)}`,
      status: res.status,
      contentType: res.headers['content-type'] ?? null,
      location: res.headers.location ? norm.text(res.headers.location) : null,
      retryAfter: 'retry-after' in res.headers,
      body: res.body !== undefined ? norm.value(res.body) : res.bytes.length ? `<${res.bytes.length} bytes sha256:${createHash('sha256').update(res.bytes).digest('hex').slice(0, 16)}>` : '',
    });
  };
}

/** Every request (method and normalised path) any scenario made, for the route-coverage check. */
export const requestsMade = new Set<string>();

/** Shared caches (VIN decodes, station searches) are cleared between targets so each run starts cold. */
async function clearSharedCaches(env: TestEnv) {
  const redis = env.redis;
  if (!redis) return;
  for (const pattern of ['mvp:vin:*', 'mvp:stations:*']) await clearKeys(redis, pattern);
}

export async function playScenario(env: TestEnv, endpoint: Endpoint, scenario: Scenario, breaches: ContractBreach[] = []): Promise<Exchange[]> {
  const log: Exchange[] = [];
  const norm = normaliser();
  const rec = record(log, norm, breaches);
  const [as, other] = [await env.newUser(), await env.newUser()];
  env.fakes.reset();
  await clearSharedCaches(env);
  try {
    await scenario.run({
      as: new Client(endpoint, as.token, rec),
      other: new Client(endpoint, other.token, rec),
      anon: new Client(endpoint, undefined, rec),
      fakes: env.fakes,
    });
  } finally {
    env.fakes.reset();
  }
  for (const exchange of log) requestsMade.add(exchange.request);
  return log;
}

/** Registers one node:test test per scenario; any difference fails with a readable diff. */
export function parityTests(feature: string, scenarios: Scenario[], getEnv: () => TestEnv, onResult: (ok: boolean) => void = () => {}) {
  for (const scenario of scenarios) {
    test(`${feature} parity: ${scenario.name}`, async () => {
      const env = getEnv();
      const [legacy, ...others] = targetList(env);
      let ok = false;
      try {
        // Every answer of every backend is also held to the OpenAPI document (docs/openapi.json), not only to the others.
        const breaches: Record<string, ContractBreach[]> = { [legacy.name]: [] };
        const reference = await playScenario(env, legacy.endpoint, scenario, breaches[legacy.name]);
        assert.ok(reference.length > 0, 'scenario made no requests');
        for (const target of others) {
          breaches[target.name] = [];
          const seen = await playScenario(env, target.endpoint, scenario, breaches[target.name]);
          assert.deepStrictEqual(seen, reference, `${target.name} differs from ${legacy.name} in "${scenario.name}"`);
        }
        assert.deepStrictEqual(breaches, Object.fromEntries(Object.keys(breaches).map((name) => [name, []])), `answers that break docs/openapi.json in "${scenario.name}"`);
        ok = true;
      } finally {
        onResult(ok);
      }
    });
  }
}

// Identical answers: every feature's scenarios played through legacy direct, gateway→express and
// gateway→fastify, compared after normalising ids and timestamps. Writes a summary (.data/parity-latest.json, untracked) for STATUS.md.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mkdir, writeFile } from 'node:fs/promises';
import { build } from './helper.ts';
import { parityTests, requestsMade, type Scenario } from './support/parity.ts';
import { coverage, parseRequestLine } from './support/route-coverage.ts';
import { scenarios as vehicles } from './parity/vehicles.ts';
import { scenarios as fuelLogs } from './parity/fuel-logs.ts';
import { scenarios as stations } from './parity/stations.ts';
import { scenarios as maintenance } from './parity/maintenance.ts';

const suites: Record<string, Scenario[]> = { vehicles, 'fuel-logs': fuelLogs, stations, maintenance };
const outcome: Record<string, { passed: number; failed: number }> = {};

const env = await build();
after(async () => {
  await mkdir('.data', { recursive: true });
  await writeFile('.data/parity-latest.json', `${JSON.stringify({ date: new Date().toISOString(), features: outcome }, null, 2)}\n`);
});

for (const [feature, scenarios] of Object.entries(suites)) {
  outcome[feature] = { passed: 0, failed: 0 };
  parityTests(feature, scenarios, () => env, (ok) => { outcome[feature][ok ? 'passed' : 'failed']++; });
}

// Runs after every scenario above: the suite's claim "every route" is checked against what the capsules register.
test('parity scenarios reach every native route', () => {
  const missed = coverage(env.gateways.fastify.nativeRoutes, [...requestsMade].map(parseRequestLine)).uncovered;
  assert.deepEqual(missed, [], `routes no parity scenario calls: ${missed.join(', ')}`);
});

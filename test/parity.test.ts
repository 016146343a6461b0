// Identical answers: every feature's scenarios played through legacy direct, gateway→express and
// gateway→fastify, compared after normalising ids and timestamps. Writes a summary for STATUS.md.
import { after, before } from 'node:test';
import { mkdir, writeFile } from 'node:fs/promises';
import { startBackends, type TestEnv } from './support/harness.ts';
import { parityTests, type Scenario } from './support/parity.ts';
import { scenarios as vehicles } from '../fastify-features/vehicles/vehicles.parity.ts';
import { scenarios as fuelLogs } from '../fastify-features/fuel-logs/fuel-logs.parity.ts';
import { scenarios as stations } from '../fastify-features/stations/stations.parity.ts';
import { scenarios as maintenance } from '../fastify-features/maintenance/maintenance.parity.ts';

const suites: Record<string, Scenario[]> = { vehicles, 'fuel-logs': fuelLogs, stations, maintenance };
const outcome: Record<string, { passed: number; failed: number }> = {};

let env: TestEnv;
before(async () => { env = await startBackends(); });
after(async () => {
  await env.close();
  await mkdir('benchmarks/results', { recursive: true });
  await writeFile('benchmarks/results/parity-latest.json', JSON.stringify({ date: new Date().toISOString(), features: outcome }, null, 2) + '\n');
});

for (const [feature, scenarios] of Object.entries(suites)) {
  outcome[feature] = { passed: 0, failed: 0 };
  parityTests(feature, scenarios, () => env, (ok) => { outcome[feature][ok ? 'passed' : 'failed']++; });
}

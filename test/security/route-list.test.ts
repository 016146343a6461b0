// The security and fuzz suites walk ROUTES as "every route": this fails when a capsule registers a route
// that ROUTES does not list (or ROUTES lists one that no longer exists).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { ROUTES, type Fixture } from './support/routes.ts';
import { coverage } from '../support/route-coverage.ts';

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';
const fixture: Fixture = { vehicleId: SAMPLE_ID, fuelLogId: SAMPLE_ID, stationId: SAMPLE_ID, recordId: SAMPLE_ID, scheduleId: SAMPLE_ID };

function concretePath(path: string): string {
  return path.replace(/:(vehicleId|fuelLogId|stationId|recordId|scheduleId)/g, (_m, kind: keyof Fixture) => fixture[kind]);
}

test('ROUTES lists exactly the routes the capsules register', async (t) => {
  const env = { ...process.env, LOG_LEVEL: 'silent', AUTH_ISSUER: 'https://issuer.test/', AUTH_AUDIENCE: 'aud', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks', REDIS_URL: '' };
  const app = await buildApp({ config: loadConfig(env), env });
  t.after(() => app.close());
  assert.ok(app.nativeRoutes.length > 0, 'no native routes registered');

  const { uncovered, unmatched } = coverage(app.nativeRoutes, ROUTES.map((r) => ({ method: r.method, path: concretePath(r.path) })));
  assert.deepEqual(uncovered, [], `routes the security suites never call: ${uncovered.join(', ')}`);
  assert.deepEqual(unmatched, [], 'ROUTES entries that match no registered route');
});

// Object storage unreachable for real processes: photo and receipt upload/download/delete → 503
// SERVICE_UNAVAILABLE with nothing half-stored; every other route keeps working; /health 200
// "degraded"; recovery without a restart.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { eventually } from '../support/wait.ts';
import { assertError } from '../security/support/contract.ts';
import { PNG, PDF } from '../security/support/routes.ts';
import { spawnAllTargets, build, type ProcessEnv, type ProcessTarget as Target } from '../helper.ts';
import { call, describeRes } from './support/http.ts';
import type { ProxyMode } from '../../stack/tcp-proxy.ts';

let targets: Target[];
let user: Awaited<ReturnType<ProcessEnv['newUser']>>;
const today = new Date().toISOString().slice(0, 10);

const stack = await build({ level: 'processes', label: 'faults_s3', proxy: { s3: true } });
before(async () => {
  targets = await spawnAllTargets(stack);
  user = await stack.newUser({ permissions: ['admin:flags'] }); // admin:flags: /health shows its detail to admins only
});

async function resources(u: string) {
  const o = { token: user.token };
  const v = await call(u, 'POST', '/api/vehicles', { ...o, body: { make: 'Audi', model: 'A4', year: 2016 } });
  assert.equal(v.status, 201, describeRes(v));
  const withPhoto = await call(u, 'POST', '/api/vehicles', { ...o, body: { make: 'Audi', model: 'A6', year: 2017 } });
  assert.equal((await call(u, 'PUT', `/api/vehicles/${withPhoto.body.id}/photo`, { ...o, raw: PNG, headers: { 'content-type': 'image/png' } })).status, 200);
  const r = await call(u, 'POST', '/api/maintenance/records', { ...o, body: { vehicleId: v.body.id, type: 'inspection', date: today } });
  assert.equal(r.status, 201, describeRes(r));
  const withReceipt = await call(u, 'POST', '/api/maintenance/records', { ...o, body: { vehicleId: v.body.id, type: 'battery', date: today } });
  assert.equal((await call(u, 'PUT', `/api/maintenance/records/${withReceipt.body.id}/receipt`, { ...o, raw: PDF, headers: { 'content-type': 'application/pdf' } })).status, 200);
  return { vehicleId: v.body.id as string, photoVehicleId: withPhoto.body.id as string, recordId: r.body.id as string, receiptRecordId: withReceipt.body.id as string };
}

for (const mode of ['refuse', 'reset'] as ProxyMode[]) {
  describe(`object storage ${mode}`, () => {
    test('uploads, downloads and deletes of photos and receipts → 503; nothing half-stored; other routes fine', async () => {
      const ids = await Promise.all(targets.map((t) => resources(t.proc.url)));
      await stack.proxy('s3').setMode(mode);
      const failures: string[] = [];
      try {
        for (const [i, t] of targets.entries()) {
          const u = t.proc.url;
          const o = { token: user.token, timeoutMs: 15_000 };
          const { vehicleId, photoVehicleId, recordId, receiptRecordId } = ids[i];
          const storageCalls: Array<[string, () => ReturnType<typeof call>]> = [
            ['photo upload', () => call(u, 'PUT', `/api/vehicles/${vehicleId}/photo`, { ...o, raw: PNG, headers: { 'content-type': 'image/png' } })],
            ['photo upload 1 MiB', () => call(u, 'PUT', `/api/vehicles/${vehicleId}/photo`, { ...o, raw: Buffer.alloc(1024 * 1024, 7), headers: { 'content-type': 'image/jpeg' } })],
            ['photo download', () => call(u, 'GET', `/api/vehicles/${photoVehicleId}/photo`, o)],
            ['photo delete', () => call(u, 'DELETE', `/api/vehicles/${photoVehicleId}/photo`, o)],
            ['receipt upload', () => call(u, 'PUT', `/api/maintenance/records/${recordId}/receipt`, { ...o, raw: PDF, headers: { 'content-type': 'application/pdf' } })],
            ['receipt download', () => call(u, 'GET', `/api/maintenance/records/${receiptRecordId}/receipt`, o)],
            ['receipt delete', () => call(u, 'DELETE', `/api/maintenance/records/${receiptRecordId}/receipt`, o)],
          ];
          for (const [name, run] of storageCalls) {
            const res = await run();
            try {
              assert.ok(!res.error, `${t.name} ${name}: ${describeRes(res)}`);
              assertError(res, 503, 'SERVICE_UNAVAILABLE', `${t.name} ${name}`);
              assert.ok(res.ms < 3000, `${t.name} ${name} took ${Math.round(res.ms)} ms`);
            } catch (err) {
              failures.push((err as Error).message.split('\n')[0]);
            }
          }
          // Nothing half-done: flags in the database still match what is in storage.
          const v = await call(u, 'GET', `/api/vehicles/${vehicleId}`, o);
          if (v.body?.hasPhoto !== false) failures.push(`${t.name}: failed upload left hasPhoto=${v.body?.hasPhoto}`);
          const pv = await call(u, 'GET', `/api/vehicles/${photoVehicleId}`, o);
          if (pv.body?.hasPhoto !== true) failures.push(`${t.name}: failed delete cleared hasPhoto`);
          const rr = await call(u, 'GET', `/api/maintenance/records/${receiptRecordId}`, o);
          if (rr.body?.hasReceipt !== true) failures.push(`${t.name}: failed delete cleared hasReceipt`);
          // Everything else still works.
          for (const [name, res, status] of [
            ['list', await call(u, 'GET', '/api/vehicles', o), 200],
            ['create', await call(u, 'POST', '/api/vehicles', { ...o, body: { make: 'a', model: 'b', year: 2001 } }), 201],
            ['fuel log', await call(u, 'POST', '/api/fuel-logs', { ...o, body: { vehicleId, date: today, odometer: 10, gallons: 1, pricePerGallon: 1 } }), 201],
            ['record', await call(u, 'GET', `/api/maintenance/records/${recordId}`, o), 200],
          ] as const) {
            if (res.status !== status) failures.push(`${t.name} ${name} during the storage outage: ${describeRes(res)}`);
          }
          const h = await call(u, 'GET', '/health', o);
          if (h.status !== 200 || h.body?.dependencies?.storage !== 'down') failures.push(`${t.name} /health: ${describeRes(h)}`);
        }
      } finally {
        await stack.proxy('s3').setMode('up');
      }
      assert.deepEqual(failures, [], `storage ${mode}`);
    });

    test('recovers without a restart', async () => {
      await eventually(async () => {
        for (const t of targets) {
          const v = await call(t.proc.url, 'POST', '/api/vehicles', { token: user.token, body: { make: 'a', model: 'b', year: 2001 } });
          const up = await call(t.proc.url, 'PUT', `/api/vehicles/${v.body.id}/photo`, { token: user.token, raw: PNG, headers: { 'content-type': 'image/png' } });
          assert.equal(up.status, 200, `${t.name}: ${describeRes(up)}`);
          const down = await call(t.proc.url, 'GET', `/api/vehicles/${v.body.id}/photo`, { token: user.token });
          assert.equal(down.status, 200);
          assert.deepEqual(down.bytes, PNG);
        }
      }, { timeoutMs: 10_000, intervalMs: 250 });
    });
  });
}

test('no process crashed', () => {
  for (const t of targets) assert.ok(t.proc.alive, `${t.name} exited:\n${t.proc.output().slice(-2000)}`);
});

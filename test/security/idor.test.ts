// Another user's ids on every route of every backend → 404, exactly as if they did not exist, and
// nothing of the owner's changes; the attacker cannot attach anything to the owner's resources.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '../support/client.ts';
import { targetList } from '../helper.ts';
import { assertError } from './support/contract.ts';
import { ROUTES, countUser, label, makeFixture, send, snapshotUser } from './support/routes.ts';
import { startSecurityEnv } from './support/env.ts';

const env = await startSecurityEnv('sec_idor');

test('every owned route, every backend: another user gets 404 and nothing changes', async () => {
  const failures: string[] = [];
  for (const t of targetList(env)) {
    const owner = await env.newUser();
    const attacker = await env.newUser();
    const ownerClient = new Client(t.url, owner.token);
    const fixture = await makeFixture(ownerClient);
    // The attacker has data of their own, so "not found" is not just "has nothing".
    await makeFixture(new Client(t.url, attacker.token));
    const ownerBefore = await snapshotUser(env.deps.db, owner.sub);
    const attackerBefore = await countUser(env.deps.db, attacker.sub);
    const photoBefore = await ownerClient.get(`/api/vehicles/${fixture.vehicleId}/photo`);

    for (const route of ROUTES.filter((r) => r.owned)) {
      const res = await send(new Client(t.url, attacker.token), route, fixture);
      const where = `${t.name} ${label(route)}`;
      const isListFilter = route.method === 'GET' && route.query?.startsWith('vehicleId=') && !/stats|upcoming/.test(route.path);
      try {
        if (isListFilter && res.status === 200) {
          // Filtering a list by someone else's vehicle may answer an empty list, never their rows.
          assert.equal((res.body as { items: unknown[] }).items.length, 0, `${where} listed the owner's rows: ${res.text.slice(0, 200)}`);
        } else {
          assertError(res, 404, 'NOT_FOUND', where);
        }
        assert.ok(!res.text.includes(owner.sub), `${where} leaked the owner's user id`);
      } catch (err) {
        failures.push((err as Error).message.split('\n')[0]);
      }
    }
    assert.equal(await snapshotUser(env.deps.db, owner.sub), ownerBefore, `${t.name}: the owner's rows changed`);
    assert.deepEqual(await countUser(env.deps.db, attacker.sub), attackerBefore, `${t.name}: the attacker created rows against the owner's resources`);
    const photoAfter = await ownerClient.get(`/api/vehicles/${fixture.vehicleId}/photo`);
    assert.equal(photoAfter.status, 200, `${t.name}: the owner's photo is gone`);
    assert.deepEqual(photoAfter.bytes, photoBefore.bytes, `${t.name}: the owner's photo changed`);
    const receipt = await ownerClient.get(`/api/maintenance/records/${fixture.recordId}/receipt`);
    assert.equal(receipt.status, 200, `${t.name}: the owner's receipt is gone`);
  }
  assert.deepEqual(failures, [], 'routes that let another user through');
});

test('lists never include another user\'s rows, on any backend', async () => {
  for (const t of targetList(env)) {
    const owner = await env.newUser();
    const fixture = await makeFixture(new Client(t.url, owner.token));
    const other = new Client(t.url, (await env.newUser()).token);
    for (const path of ['/api/vehicles', '/api/fuel-logs', '/api/stations/saved', '/api/maintenance/records', '/api/maintenance/schedules']) {
      const res = await other.get(path);
      assert.equal(res.status, 200, `${t.name} ${path}: ${res.text.slice(0, 200)}`);
      for (const id of Object.values(fixture)) assert.ok(!res.text.includes(id), `${t.name} ${path} shows the owner's ${id}`);
    }
  }
});

// Maintenance receipts (raw uploads to object storage) against the legacy app and the native capsule:
// round trip, replace, 415/413 with nothing stored, 404s, deletion, and no storage configured → 503.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { build, storeOf, targetList } from '../helper.ts';
import type { ApiResponse, Client } from '../support/client.ts';
import { MIB, assertError, assertNotFound, assertValidation, insertVehicle, softDeleteVehicle, startPair, type BackendPair } from './support/maintenance.ts';

const env = await build();
let noStorage: BackendPair;
before(async () => {
  noStorage = await startPair(env, { MINIO_ENDPOINT: '' });
});
after(async () => {
  await noStorage?.close();
});

const TARGETS = targetList(env, 'codePaths');

const R = '/api/maintenance/records';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** PUT with a chunked body (no content-length), which the Client (fetch with a Buffer) cannot send. */
function putChunked(baseUrl: string, path: string, token: string, contentType: string, chunks: Buffer[]): Promise<Pick<ApiResponse, 'status' | 'body'>> {
  return new Promise((resolve, reject) => {
    const req = http.request(baseUrl + path, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': contentType } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString() || 'null') }));
    });
    req.on('error', reject);
    (async () => {
      for (const c of chunks) if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      req.end();
    })().catch(() => {}); // the server may answer 413 and close before every chunk is written
  });
}

/** The receipt the record names, as stored; null when it names none. */
async function stored(id: string): Promise<Buffer | null> {
  const { rows } = await env.deps.db.query('SELECT receipt_object_key FROM maintenance_records WHERE id = $1', [id]);
  const key: string | null = rows[0]?.receipt_object_key ?? null;
  if (!key) {
    assert.deepEqual(await storeOf(env).list(`maintenance/${id}/`), [], 'no receipt object without a receipt');
    return null;
  }
  const obj = await storeOf(env).get(key);
  if (!obj) return null;
  const parts: Buffer[] = [];
  for await (const c of obj.stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

for (const target of TARGETS) {
  describe(`receipts via ${target.name}`, () => {
    async function setup() {
      const u = await env.newUser();
      const api = u.client(target.endpoint);
      const vehicleId = await insertVehicle(env.deps, u.sub);
      const rec = (await api.post(R, { vehicleId, type: 'brake_service', date: '2025-01-10', cost: 320 })).body;
      return { ...u, api, vehicleId, rec, path: `${R}/${rec.id}/receipt` };
    }
    const upload = (api: Client, path: string, contentType: string | undefined, body: Buffer) =>
      api.raw('PUT', path, { headers: contentType ? { 'content-type': contentType } : {}, body });

    test('PUT stores the bytes → 200 record with hasReceipt; GET returns them with type and length', async () => {
      const { api, rec, path } = await setup();
      const res = await upload(api, path, 'application/pdf', PDF);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, { ...rec, hasReceipt: true, updatedAt: res.body.updatedAt });
      assert.deepEqual((await api.get(`${R}/${rec.id}`)).body, res.body);
      const got = await api.get(path);
      assert.equal(got.status, 200);
      assert.equal(got.headers['content-type'], 'application/pdf');
      assert.equal(got.headers['content-length'], String(PDF.length));
      assert.deepEqual(got.bytes, PDF);
      assert.deepEqual(await stored(rec.id), PDF);
    });

    test('PUT again replaces the receipt; media-type parameters are dropped', async () => {
      const { api, rec, path } = await setup();
      await upload(api, path, 'application/pdf', PDF);
      const res = await upload(api, path, 'Image/PNG; foo=bar', PNG);
      assert.equal(res.status, 200, res.text);
      const got = await api.get(path);
      assert.equal(got.headers['content-type'], 'image/png');
      assert.deepEqual(got.bytes, PNG);
      const jpeg = await upload(api, path, 'image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
      assert.equal(jpeg.status, 200);
      assert.equal((await api.get(path)).headers['content-type'], 'image/jpeg');
      assert.equal((await api.get(`${R}/${rec.id}`)).body.hasReceipt, true);
    });

    test('PUT of exactly 10 MiB is accepted (streamed with a chunked body too)', async () => {
      const { api, path, token, rec } = await setup();
      const body = Buffer.alloc(10 * MIB, 7);
      assert.equal((await upload(api, path, 'application/pdf', body)).status, 200);
      assert.equal((await api.get(path)).headers['content-length'], String(10 * MIB));
      const chunked = await putChunked(target.url, path, token, 'image/png', [Buffer.alloc(5 * MIB, 1), Buffer.alloc(5 * MIB, 2)]);
      assert.equal(chunked.status, 200, JSON.stringify(chunked.body));
      assert.equal((await stored(rec.id))?.length, 10 * MIB);
    });

    test('wrong or missing content type → 415, nothing stored', async () => {
      const { api, rec, path } = await setup();
      for (const type of ['image/webp', 'text/plain', 'application/json', 'application/octet-stream', undefined]) {
        assertError(await upload(api, path, type, PDF), 415, 'UNSUPPORTED_MEDIA_TYPE', String(type));
      }
      assert.equal((await api.get(`${R}/${rec.id}`)).body.hasReceipt, false);
      assert.equal(await stored(rec.id), null);
      assertNotFound(await api.get(path));
    });

    test('over 10 MiB → 413, declared or streamed, nothing stored', async () => {
      const { api, rec, path, token } = await setup();
      assertError(await upload(api, path, 'application/pdf', Buffer.alloc(10 * MIB + 1)), 413, 'PAYLOAD_TOO_LARGE');
      const chunked = await putChunked(target.url, path, token, 'application/pdf', [Buffer.alloc(6 * MIB), Buffer.alloc(6 * MIB)]);
      assert.equal(chunked.status, 413);
      assert.equal(chunked.body.error.code, 'PAYLOAD_TOO_LARGE');
      assert.equal((await api.get(`${R}/${rec.id}`)).body.hasReceipt, false);
      assert.equal(await stored(rec.id), null);
    });

    test('a failed replacement keeps the previous receipt', async () => {
      const { api, path } = await setup();
      await upload(api, path, 'application/pdf', PDF);
      assertError(await upload(api, path, 'text/html', Buffer.from('<p>')), 415, 'UNSUPPORTED_MEDIA_TYPE');
      assertError(await upload(api, path, 'image/png', Buffer.alloc(10 * MIB + 1)), 413, 'PAYLOAD_TOO_LARGE');
      assert.deepEqual((await api.get(path)).bytes, PDF);
    });

    test('DELETE removes it → 204; then GET and DELETE are 404', async () => {
      const { api, rec, path } = await setup();
      assertNotFound(await api.del(path)); // none yet
      await upload(api, path, 'image/png', PNG);
      const res = await api.del(path);
      assert.equal(res.status, 204);
      assert.equal(res.text, '');
      assertNotFound(await api.get(path));
      assertNotFound(await api.del(path));
      assert.equal((await api.get(`${R}/${rec.id}`)).body.hasReceipt, false);
      assert.equal(await stored(rec.id), null);
    });

    test('deleting the record deletes its receipt', async () => {
      const { api, rec, path } = await setup();
      await upload(api, path, 'application/pdf', PDF);
      assert.equal((await api.del(`${R}/${rec.id}`)).status, 204);
      assert.equal(await stored(rec.id), null);
      assertNotFound(await api.get(path));
    });

    test('another user\'s record, a soft-deleted vehicle\'s or an unknown id → 404, nothing leaked or stored', async () => {
      const owner = await setup();
      await upload(owner.api, owner.path, 'application/pdf', PDF);
      const { api } = await setup();
      for (const path of [owner.path, `${R}/${randomUUID()}/receipt`]) {
        assertNotFound(await upload(api, path, 'image/png', PNG));
        assertNotFound(await api.get(path));
        assertNotFound(await api.del(path));
      }
      assert.deepEqual(await stored(owner.rec.id), PDF, 'the owner\'s receipt is untouched');
      await softDeleteVehicle(env.deps, owner.vehicleId);
      assertNotFound(await owner.api.get(owner.path));
      assertNotFound(await upload(owner.api, owner.path, 'image/png', PNG));
      assertNotFound(await owner.api.del(owner.path));
      assert.deepEqual(await stored(owner.rec.id), PDF);
    });

    test('a non-UUID id is a 400 on id', async () => {
      const { api } = await setup();
      assertValidation(await upload(api, `${R}/abc/receipt`, 'application/pdf', PDF), 'id');
      assertValidation(await api.get(`${R}/abc/receipt`), 'id');
      assertValidation(await api.del(`${R}/abc/receipt`), 'id');
    });

    test('without object storage configured: upload → 503, a record without receipt still 404', async () => {
      const u = await env.newUser();
      const vehicleId = await insertVehicle(env.deps, u.sub);
      const api = u.client(noStorage[target.backend === 'express' ? 'legacy' : 'gatewayFastify']);
      const rec = (await api.post(R, { vehicleId, type: 'other', date: '2025-01-10' })).body;
      assertError(await upload(api, `${R}/${rec.id}/receipt`, 'application/pdf', PDF), 503, 'SERVICE_UNAVAILABLE');
      assertNotFound(await api.get(`${R}/${rec.id}/receipt`));
      assertNotFound(await api.del(`${R}/${rec.id}/receipt`));
      assert.equal((await api.get(`${R}/${rec.id}`)).body.hasReceipt, false);
    });
  });
}

test('a receipt uploaded through one backend downloads through the other', async () => {
  const u = await env.newUser();
  const vehicleId = await insertVehicle(env.deps, u.sub);
  const legacy = u.client(env.targets.legacy);
  const native = u.client(env.targets.gatewayFastify);
  const rec = (await native.post(R, { vehicleId, type: 'inspection', date: '2025-01-10' })).body;
  await legacy.raw('PUT', `${R}/${rec.id}/receipt`, { headers: { 'content-type': 'image/png' }, body: PNG });
  const got = await native.get(`${R}/${rec.id}/receipt`);
  assert.equal(got.headers['content-type'], 'image/png');
  assert.deepEqual(got.bytes, PNG);
  assert.equal((await native.del(`${R}/${rec.id}/receipt`)).status, 204);
  assertNotFound(await legacy.get(`${R}/${rec.id}/receipt`));
});

test('through the gateway\'s proxy to express, oversized uploads are still a 413 (declared and streamed)', async () => {
  const u = await env.newUser();
  const vehicleId = await insertVehicle(env.deps, u.sub);
  const api = u.client(env.targets.gatewayExpress);
  const rec = (await api.post(R, { vehicleId, type: 'inspection', date: '2025-01-10' })).body;
  const path = `${R}/${rec.id}/receipt`;
  for (let i = 0; i < 3; i++) {
    assertError(await api.raw('PUT', path, { headers: { 'content-type': 'application/pdf' }, body: Buffer.alloc(10 * MIB + 1) }), 413, 'PAYLOAD_TOO_LARGE');
    const chunked = await putChunked(env.targets.gatewayExpress, path, u.token, 'application/pdf', [Buffer.alloc(6 * MIB), Buffer.alloc(6 * MIB)]);
    assert.equal(chunked.status, 413);
  }
  assert.equal((await api.get(`${R}/${rec.id}`)).body.hasReceipt, false);
});

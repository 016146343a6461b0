// Path traversal and request smuggling through the gateway's proxy prefix (and on the legacy app
// directly): dot segments and encoded dots never reach a route outside the feature, conflicting
// framing headers are refused, a smuggled request is never executed.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { targetList } from '../helper.ts';
import { assertNoLeak, STATUS_OF_CODE } from './support/contract.ts';
import { rawRequest, wire, type RawResponse } from './support/raw-http.ts';
import { startSecurityEnv } from './support/env.ts';

let user: { sub: string; token: string };

const env = await startSecurityEnv('sec_traversal');
before(async () => {
  user = await env.newUser();
});

function assertContractError(r: RawResponse, where: string) {
  assert.match(r.headers['content-type'] ?? '', /^application\/json/, `${where}: content-type ${r.headers['content-type']} body ${r.body}`);
  const body = JSON.parse(r.body) as { error?: { code?: string; message?: string } };
  assert.ok(body.error && typeof body.error.code === 'string' && typeof body.error.message === 'string', `${where}: contract body ${r.body}`);
  assert.equal(STATUS_OF_CODE[body.error.code], r.status, `${where}: status/code ${r.status} ${r.body}`);
  assertNoLeak(r.body, where, [where.slice(where.lastIndexOf(' ') + 1)]);
}

const TRAVERSALS = [
  '/api/vehicles/..%2f..%2fadmin/flags',
  '/api/vehicles/..%2F..%2Fadmin%2Fflags',
  '/api/../admin/flags',
  '/api/vehicles/../../admin/flags',
  '/api/vehicles/%2e%2e/%2e%2e/admin/flags',
  '/api/vehicles/%2E%2E%2F%2E%2E%2Fadmin%2Fflags',
  '/api/vehicles/.%2e/.%2e/admin/flags',
  '/api/vehicles/%252e%252e%252f%252e%252e%252fadmin/flags',
  '/api/vehicles/..\\..\\admin/flags',
  '/api/vehicles/..%5c..%5cadmin/flags',
  '/api/vehicles/..;/..;/admin/flags',
  '/api/vehicles/%2e%2e%2f%2e%2e%2fhealth',
  '/api/vehicles/../../health',
  '/api/fuel-logs/..%2f..%2fmetrics',
  '/api/vehicles/%c0%ae%c0%ae/%c0%ae%c0%ae/admin/flags',
  '/api/vehicles/..%00/admin/flags',
  '/api/vehicles//..//..//admin/flags',
  '//api/vehicles/../../admin/flags',
  '/api/stations/saved/..%2f..%2f..%2fadmin%2fflags',
  '/api/maintenance/records/..%2f..%2f..%2fadmin/flags',
];

describe('path traversal through the proxy prefix', () => {
  for (const auth of ['no token', 'user token'] as const) {
    test(`dot segments and encoded dots never reach /admin, /health or /metrics (${auth})`, async () => {
      const failures: string[] = [];
      for (const t of targetList(env)) {
        for (const path of TRAVERSALS) {
          const headers: Record<string, string> = { host: 'motovaultpro.test', connection: 'close' };
          if (auth === 'user token') headers.authorization = `Bearer ${user.token}`;
          const res = await rawRequest(t.url, wire('GET', path, headers));
          const where = `${t.name} GET ${path}`;
          try {
            assert.equal(res.responses.length, 1, `${where}: ${res.text.slice(0, 300)}`);
            const r = res.responses[0];
            assert.ok([400, 401, 404].includes(r.status), `${where} → ${r.status} ${r.body.slice(0, 200)}`);
            assert.ok(!/"features"|"dependencies"|gateway_requests_total|process_cpu/.test(r.body), `${where} reached a gateway route: ${r.body.slice(0, 300)}`);
            assertContractError(r, `${where}`);
          } catch (err) {
            failures.push((err as Error).message.split('\n')[0]);
          }
        }
      }
      assert.deepEqual(failures, [], 'traversal attempts not cleanly refused');
    });
  }
});

describe('request smuggling', () => {
  // The inner request would create a vehicle if it were ever executed.
  const inner = () => {
    const body = JSON.stringify({ make: 'Smuggled', model: 'X', year: 2020 });
    return wire('POST', '/api/vehicles', {
      host: 'motovaultpro.test', authorization: `Bearer ${user.token}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)),
    }, body);
  };
  const outer = (framing: Record<string, string>, body: string) =>
    wire('POST', '/api/vehicles', { host: 'motovaultpro.test', authorization: `Bearer ${user.token}`, 'content-type': 'application/json', ...framing }, body);

  const cases: Array<{ name: string; payload: () => string }> = [
    { name: 'CL.TE', payload: () => { const b = `0\r\n\r\n${inner()}`; return outer({ 'content-length': String(b.length), 'transfer-encoding': 'chunked' }, b); } },
    { name: 'TE.CL', payload: () => { const b = `0\r\n\r\n${inner()}`; return outer({ 'transfer-encoding': 'chunked', 'content-length': '4' }, b); } },
    { name: 'CL.CL (conflicting)', payload: () => { const b = `{}${inner()}`; return outer({ 'content-length': '2', 'Content-Length': String(b.length) }, b); } },
    { name: 'TE obfuscated (xchunked) + CL', payload: () => { const b = `0\r\n\r\n${inner()}`; return outer({ 'content-length': String(b.length), 'transfer-encoding': 'xchunked' }, b); } },
    { name: 'TE chunked, identity + CL', payload: () => { const b = `0\r\n\r\n${inner()}`; return outer({ 'content-length': '5', 'transfer-encoding': 'chunked, identity' }, b); } },
    { name: 'TE with space before colon', payload: () => { const b = `0\r\n\r\n${inner()}`; return outer({ 'content-length': '5', 'transfer-encoding ': 'chunked' }, b); } },
    { name: 'TE folded header', payload: () => { const b = `0\r\n\r\n${inner()}`; return outer({ 'content-length': '5', 'transfer-encoding': '\r\n chunked' }, b); } },
    { name: 'CL with plus sign', payload: () => { const b = `{}${inner()}`; return outer({ 'content-length': '+2' }, b); } },
    { name: 'CL list', payload: () => { const b = `{}${inner()}`; return outer({ 'content-length': '2, 2000' }, b); } },
    { name: 'bare LF line endings', payload: () => `POST /api/vehicles HTTP/1.1\nhost: x\nauthorization: Bearer ${user.token}\ncontent-type: application/json\ncontent-length: 2\ntransfer-encoding: chunked\n\n0\n\n${inner()}` },
    { name: 'chunk size overflow', payload: () => outer({ 'transfer-encoding': 'chunked' }, `ffffffffffffffffff1\r\n{}\r\n0\r\n\r\n${inner()}`) },
  ];

  test('ambiguous framing is refused with 400 and the connection closed; the smuggled request never runs', async () => {
    for (const t of targetList(env)) {
      for (const c of cases) {
        const where = `${t.name} ${c.name}`;
        const res = await rawRequest(t.url, c.payload());
        assert.ok(res.responses.length <= 1, `${where}: ${res.responses.length} responses — a second request was executed: ${res.text.slice(0, 600)}`);
        if (res.responses.length === 1) {
          const r = res.responses[0];
          assert.ok(r.status >= 400 && r.status < 500, `${where}: accepted with ${r.status} ${r.body.slice(0, 200)}`);
        }
        assert.ok(res.closedByServer, `${where}: connection left open after a framing error`);
      }
    }
    const { rows } = await env.deps.db.query(`SELECT count(*)::int AS n FROM vehicles WHERE user_id = $1`, [user.sub]);
    assert.equal(rows[0].n, 0, 'a smuggled or ambiguous request created a vehicle');
  });

  test('the gateway answers a malformed request with the contract error body', async () => {
    const failures: string[] = [];
    for (const t of targetList(env).filter((x) => x.name !== 'legacy direct')) {
      for (const c of cases.slice(0, 3)) {
        const res = await rawRequest(t.url, c.payload());
        const r = res.responses[0];
        if (!r) continue;
        try {
          assertContractError(r, `${t.name} ${c.name}`);
        } catch {
          failures.push(`${t.name} ${c.name} → ${r.status} ${r.headers['content-type'] ?? '-'} ${r.body.slice(0, 120)}`);
        }
      }
    }
    assert.deepEqual(failures, [], 'gateway client-error bodies outside the contract');
  });
});

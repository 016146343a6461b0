// Evidence only from verified traffic (issue 28 point 3), against real gateways — one serving every feature
// natively, one proxying every feature to the real legacy app — real JWTs and the shared window:
// - a few hundred requests with a badly signed token and a chosen `sub` count as refused on both backends,
//   never as requests, so they neither fill the guard's minimum sample nor dilute real native figures;
// - eight uploads trickled over 2.5 s are not 2.5 s of backend latency, whether they are refused (forged
//   token) or served (valid token);
// - GET /admin/live shows both sides and the refused requests apart.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Backend } from '../../flags/registry.ts';
import type { Side } from '../../flags/operations.ts';
import { DEFAULT_THRESHOLDS, judge } from '../../src/progressive/guard.ts';
import type { Cell } from '../../src/progressive/recorder.ts';
import { figuresOf } from '../../src/progressive/shared-window.ts';
import { quantile } from '../../src/progressive/histogram.ts';
import { startBackends, type TestEnv } from '../support/in-process.ts';
import { eventually } from '../support/wait.ts';

const VIN = '1HGCM82633A004352';
let env: TestEnv;
let admin: string;

before(async () => {
  env = await startBackends({ env: { WINDOW_PUSH_INTERVAL_MS: '100' } });
  admin = await env.sign({ sub: 'operator', permissions: ['admin:flags'] });
});
after(async () => env?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowSec = () => Math.floor(Date.now() / 1000);

/** A token for `sub` whose signature belongs to another payload: the gateway reads the sub, nobody verifies it. */
async function forged(sub: string): Promise<string> {
  const [header, , signature] = (await env.sign({ sub: 'someone-else' })).split('.');
  const payload = Buffer.from(JSON.stringify({ sub, iss: env.config.AUTH_ISSUER, aud: env.config.AUTH_AUDIENCE, exp: nowSec() + 3600 })).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

function gatewayOf(backend: Backend): { url: string; app: FastifyInstance } {
  return backend === 'fastify'
    ? { url: env.targets.gatewayFastify, app: env.gateways.fastify }
    : { url: env.targets.gatewayExpress, app: env.gateways.express };
}

/** The window's figures for vehicles on one side and backend since `from` (read through that backend's gateway). */
async function figures(backend: Backend, side: Side, from: number): Promise<Cell> {
  const to = nowSec() + 1;
  return figuresOf(await gatewayOf(backend).app.sharedWindow.read(from, to), 'vehicles', side, backend, from, to);
}

async function get(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/api/vehicles`, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

/** POSTs `body` byte by byte over `totalMs` on a raw socket; resolves with the response status. */
function trickle(base: string, token: string, body: string, totalMs: number): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = '';
    socket.on('data', (chunk) => { received += chunk.toString('latin1'); });
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(received.split(' ')[1])));
    socket.write(`POST /api/vehicles HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer ${token}\r\n`
      + `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`);
    const gap = totalMs / body.length;
    [...body].forEach((ch, i) => {
      setTimeout(() => socket.write(ch), Math.round((i + 1) * gap));
    });
  });
}

test('forged tokens with a chosen sub count as refused on both backends, never as evidence', async () => {
  const from = nowSec();
  const FORGED = 300;
  const VERIFIED = 20;
  const user = await env.newUser();
  for (const backend of ['fastify', 'express'] as const) {
    const { url } = gatewayOf(backend);
    const statuses: number[] = [];
    for (let batch = 0; batch < FORGED / 20; batch++) {
      statuses.push(...(await Promise.all(Array.from({ length: 20 }, async (_, i) => get(url, await forged(`auth0|chosen-${batch}-${i}`))))));
    }
    assert.deepEqual(new Set(statuses), new Set([401]), `${backend}: forged tokens are refused`);
    for (let i = 0; i < VERIFIED; i++) assert.equal(await get(url, user.token), 200);
  }
  for (const backend of ['fastify', 'express'] as const) {
    const f = await eventually(async () => {
      const c = await figures(backend, 'reads', from);
      assert.equal(c.refused, FORGED, `${backend}: every forged request counted apart`);
      assert.equal(c.requests, VERIFIED, `${backend}: only the verified requests are evidence`);
      return c;
    });
    assert.equal(f.errors, 0);
    assert.equal((await figures(backend, 'writes', from)).requests, 0, `${backend}: nothing on the writes side`);
  }
  // The guard's minimum sample is not reached by anonymous traffic: no verdict at all.
  const j = judge(await figures('fastify', 'reads', from), await figures('express', 'reads', from), 60, DEFAULT_THRESHOLDS);
  assert.equal(j.verdict, 'insufficient');
  assert.equal(j.figures.native.requests, VERIFIED);
});

test('eight uploads trickled over 2.5 s are not backend latency, refused or served, on either backend', async () => {
  const from = nowSec();
  const TRICKLE_MS = 2500;
  const body = JSON.stringify({ vin: VIN });
  const usersOf = { fastify: await Promise.all(Array.from({ length: 8 }, () => env.newUser())), express: await Promise.all(Array.from({ length: 8 }, () => env.newUser())) };
  const runs = await Promise.all((['fastify', 'express'] as const).flatMap((backend) => [
    ...usersOf[backend].map(async (u) => ({ backend, verified: true, status: await trickle(gatewayOf(backend).url, u.token, body, TRICKLE_MS) })),
    ...usersOf[backend].map(async (_, i) => ({ backend, verified: false, status: await trickle(gatewayOf(backend).url, await forged(`auth0|slow-${i}`), body, TRICKLE_MS) })),
  ]));
  for (const r of runs) assert.equal(r.status, r.verified ? 201 : 401, `${r.backend} ${r.verified ? 'valid' : 'forged'} upload`);
  for (const backend of ['fastify', 'express'] as const) {
    const c = await eventually(async () => {
      const x = await figures(backend, 'writes', from);
      assert.equal(x.requests + x.refused, 16, `${backend}: every upload recorded`);
      return x;
    });
    assert.equal(c.refused, 8, `${backend}: the forged uploads are refused`);
    assert.equal(c.requests, 8, `${backend}: the served uploads are evidence`);
    // The server's time starts once the body is in: nowhere near the 2.5 s the client took to send it.
    const p99 = quantile(c.latency, 0.99);
    assert.ok(p99 < TRICKLE_MS / 2, `${backend} writes p99 ${p99} ms counts the client's upload time`);
  }
});

test('GET /admin/live shows each side and the refused requests apart', async () => {
  await sleep(1100); // the live view ends at the last complete second
  for (const backend of ['fastify', 'express'] as const) {
    // Each backend's figures through its own gateway (without Redis each gateway's window is its own).
    const res = await fetch(`${gatewayOf(backend).url}/admin/live`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(res.status, 200);
    const v = (await res.json()).features.vehicles;
    assert.ok(v.reads[backend]['5m'].refused >= 300, `${backend} reads refused`);
    assert.ok(v.writes[backend]['5m'].refused >= 8, `${backend} writes refused`);
    assert.equal(v[backend]['5m'].requests, v.reads[backend]['5m'].requests + v.writes[backend]['5m'].requests, 'both sides add up');
    assert.equal(v.reads[backend].series.length, 60);
  }
});

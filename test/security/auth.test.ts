// JWT attacks on every route of every backend → 401, and the admin API's 401/403. None of the attacks
// may create, change or reveal anything.
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { generateDevKeyPair, signToken, DEV_AUDIENCE, DEV_ISSUER } from '../../dev/keys.ts';
import { Client } from '../support/client.ts';
import { targetList } from '../helper.ts';
import { assertError } from './support/contract.ts';
import { ROUTES, label, send, snapshotUser, makeFixture, type Fixture } from './support/routes.ts';
import { startSecurityEnv } from './support/env.ts';

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

let victim: { sub: string; token: string };
let fixture: Fixture;
const ATTACKER_SUB = `user-${randomUUID()}`;
const attacks: Array<{ name: string; header: string | undefined }> = [];

const env = await startSecurityEnv('sec_auth');
before(async () => {
  victim = await env.newUser();
  fixture = await makeFixture(new Client(env.targets.legacy, victim.token));

  const kid = env.keys.kid;
  const claims = { sub: victim.sub, iss: DEV_ISSUER, aud: DEV_AUDIENCE, iat: now(), exp: now() + 3600, permissions: ['admin:flags'] };
  const valid = await env.sign({ sub: victim.sub });
  const [h, p, s] = valid.split('.');
  const unsigned = (header: object, payload: object) => `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const hs256 = (secret: string | Buffer, header: object = { alg: 'HS256', typ: 'JWT', kid }) => {
    const input = unsigned(header, claims);
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
  const publicPem = createPublicKey({ key: { kty: 'RSA', n: env.keys.publicJwk.n, e: env.keys.publicJwk.e }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
  const otherKeys = await generateDevKeyPair();
  const signWith = (o: Partial<Parameters<typeof signToken>[0]>) =>
    signToken({ privateJwk: env.keys.privateJwk, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub: ATTACKER_SUB, permissions: ['admin:flags'], ...o });

  const bearer = (t: string) => `Bearer ${t}`;
  const modulus = env.keys.publicJwk.n;
  assert.ok(modulus, 'the RSA public JWK has a modulus');
  attacks.push(
    { name: 'missing', header: undefined },
    { name: 'empty', header: '' },
    { name: 'Bearer without token', header: 'Bearer ' },
    { name: 'Basic auth', header: `Basic ${b64url('admin:admin')}` },
    { name: 'garbage', header: 'Bearer garbage' },
    { name: 'garbage three parts', header: 'Bearer abc.def.ghi' },
    { name: 'alg none (no signature)', header: bearer(`${unsigned({ alg: 'none', typ: 'JWT' }, claims)}.`) },
    { name: 'alg none (keeps signature)', header: bearer(`${unsigned({ alg: 'none', typ: 'JWT' }, claims)}.${s}`) },
    { name: 'alg NONE', header: bearer(`${unsigned({ alg: 'NONE', typ: 'JWT' }, claims)}.`) },
    { name: 'HS256 keyed with the RSA public key (PEM)', header: bearer(hs256(publicPem)) },
    { name: 'HS256 keyed with the RSA public key (JWK JSON)', header: bearer(hs256(JSON.stringify(env.keys.publicJwk))) },
    { name: 'HS256 keyed with the modulus', header: bearer(hs256(Buffer.from(modulus, 'base64url'))) },
    { name: 'HS256 without kid', header: bearer(hs256(publicPem, { alg: 'HS256', typ: 'JWT' })) },
    { name: 'expired', header: bearer(await signWith({ expiresIn: now() - 60 })) },
    { name: 'not yet valid', header: bearer(await signWith({ notBefore: now() + 3600 })) },
    { name: 'wrong issuer', header: bearer(await signWith({ issuer: 'https://evil.example/' })) },
    { name: 'wrong audience', header: bearer(await signWith({ audience: 'https://other-api.example' })) },
    { name: 'unknown kid (foreign key)', header: bearer(await signToken({ privateJwk: otherKeys.privateJwk, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub: ATTACKER_SUB })) },
    { name: 'known kid, foreign key', header: bearer(await signToken({ privateJwk: otherKeys.privateJwk, kid, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub: ATTACKER_SUB })) },
    { name: 'unknown kid, right key', header: bearer(await signWith({ kid: 'no-such-kid' })) },
    { name: 'tampered payload', header: bearer(`${h}.${b64url(JSON.stringify({ ...claims, sub: ATTACKER_SUB }))}.${s}`) },
    { name: 'signature stripped', header: bearer(`${h}.${p}.`) },
    { name: 'no exp claim', header: bearer(`${unsigned({ alg: 'RS256', kid }, { sub: ATTACKER_SUB, iss: DEV_ISSUER, aud: DEV_AUDIENCE })}.${s}`) },
    { name: 'token twice', header: `${bearer(valid)} ${valid}` },
    { name: 'token in wrong scheme', header: `Token ${valid}` },
    // Validly signed, but a subject PostgreSQL text cannot hold or compare as sent (MAX_SUB_LENGTH in src/policy/auth.ts).
    { name: 'sub with NUL', header: bearer(await signWith({ sub: `${ATTACKER_SUB}\u0000x` })) },
    { name: 'sub with a lone surrogate', header: bearer(await signWith({ sub: `${ATTACKER_SUB}\ud800` })) },
    { name: 'sub with a control character', header: bearer(await signWith({ sub: `${ATTACKER_SUB}\nadmin` })) },
    { name: 'sub over 255 characters', header: bearer(await signWith({ sub: ATTACKER_SUB + 'x'.repeat(256) })) },
    { name: 'sub of 8 KiB', header: bearer(await signWith({ sub: 'y'.repeat(8192) })) },
    { name: 'empty sub', header: bearer(await signWith({ sub: '' })) },
  );
});


describe('JWT attacks → 401 on every route of every backend', () => {
  test('every attack, every route, every target', async () => {
    const before = await snapshotUser(env.deps.db, victim.sub);
    let checked = 0;
    for (const target of targetList(env)) {
      for (const route of ROUTES) {
        for (const attack of attacks) {
          const headers: Record<string, string> = attack.header === undefined ? {} : { authorization: attack.header };
          const res = await send(new Client(target.url), route, fixture, headers);
          assertError(res, 401, 'UNAUTHORIZED', `${target.name} ${label(route)} [${attack.name}]`);
          checked++;
        }
      }
    }
    assert.equal(await snapshotUser(env.deps.db, victim.sub), before, 'an attack changed the victim\'s data');
    assert.equal(await snapshotUser(env.deps.db, ATTACKER_SUB), await snapshotUser(env.deps.db, 'nobody'), 'an attack created data');
    assert.ok(checked > 500);
  });

  test('a valid token still works on every target (the attacks did not poison the key cache)', async () => {
    for (const target of targetList(env)) {
      const res = await new Client(target.url, victim.token).get('/api/vehicles');
      assert.equal(res.status, 200, `${target.name}: ${res.text}`);
    }
  });

  test('an unknown-kid storm does not make the gateway hammer the JWKS endpoint', async () => {
    const before = env.fakes.calls('jwks');
    const foreign = await generateDevKeyPair();
    for (let i = 0; i < 20; i++) {
      const t = await signToken({ privateJwk: foreign.privateJwk, kid: `kid-${i}`, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub: ATTACKER_SUB });
      const res = await new Client(env.targets.gatewayFastify, t).get('/api/vehicles');
      assert.equal(res.status, 401);
    }
    // jose refetches at most once per cooldown window (30 s) per process.
    assert.ok(env.fakes.calls('jwks') - before <= 3, `JWKS fetched ${env.fakes.calls('jwks') - before} times for 20 unknown kids`);
  });
});

describe('admin API', () => {
  const adminRoutes = [
    { method: 'GET', path: '/admin/flags' },
    { method: 'PUT', path: '/admin/flags/vehicles', body: { backend: 'express' } },
    { method: 'PUT', path: '/admin/flags/all', body: { backend: 'express' } },
    { method: 'DELETE', path: '/admin/flags/vehicles' },
    { method: 'DELETE', path: '/admin/flags/all' },
  ];
  const gateways = () => [
    { name: 'gateway → express', url: env.targets.gatewayExpress },
    { name: 'gateway → fastify', url: env.targets.gatewayFastify },
  ];
  const overrides = async () => JSON.stringify((await env.deps.db.query('SELECT * FROM feature_flag_overrides ORDER BY feature')).rows)
    + JSON.stringify((await env.deps.db.query('SELECT count(*) FROM feature_flag_audit')).rows);

  test('without a token or with an attack token → 401', async () => {
    const before = await overrides();
    for (const gw of gateways()) {
      for (const r of adminRoutes) {
        for (const attack of attacks) {
          const headers: Record<string, string> = attack.header === undefined ? {} : { authorization: attack.header };
          const res = await new Client(gw.url).request(r.method, r.path, r.body, { headers });
          assertError(res, 401, 'UNAUTHORIZED', `${gw.name} ${r.method} ${r.path} [${attack.name}]`);
        }
      }
    }
    assert.equal(await overrides(), before, 'an unauthenticated admin call changed the flags');
  });

  test('a valid token without admin:flags → 403, and nothing changes', async () => {
    const before = await overrides();
    const tokens = [
      await env.sign({}),
      await env.sign({ permissions: [] }),
      await env.sign({ permissions: ['read:vehicles', 'admin:read'] }),
      await env.sign({ permissions: ['ADMIN:FLAGS', 'admin:flags ', 'admin:*', 'admin'] }),
      await env.sign({ extraClaims: { permissions: 'admin:flags' } }), // a string, not an array
      await env.sign({ extraClaims: { scope: 'admin:flags', roles: ['admin'] } }),
    ];
    for (const gw of gateways()) {
      for (const r of adminRoutes) {
        for (const token of tokens) {
          const res = await new Client(gw.url, token).request(r.method, r.path, r.body);
          assertError(res, 403, 'FORBIDDEN', `${gw.name} ${r.method} ${r.path}`);
        }
      }
    }
    assert.equal(await overrides(), before, 'a forbidden admin call changed the flags');
  });

  test('the admin API is not reachable through the legacy app or under /api', async () => {
    const admin = await env.newUser({ permissions: ['admin:flags'] });
    const legacy = await new Client(env.targets.legacy, admin.token).get('/admin/flags');
    assertError(legacy, 404, 'NOT_FOUND', 'legacy /admin/flags');
    for (const gw of gateways()) {
      const res = await new Client(gw.url, admin.token).get('/api/admin/flags');
      assertError(res, 404, 'NOT_FOUND', `${gw.name} /api/admin/flags`);
      const ok = await new Client(gw.url, admin.token).get('/admin/flags');
      assert.equal(ok.status, 200, `${gw.name} admin with permission: ${ok.text}`);
    }
  });
});

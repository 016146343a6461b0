import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createTokenVerifier } from './auth.ts';
import { AppError } from './errors.ts';

const ISSUER = 'https://issuer.test/';
const AUDIENCE = 'motovaultpro';

async function signedToken() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('user-1')
    .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(privateKey);
  return { token, jwks: { keys: [jwk] } };
}

test('the remote key set is fetched at the first token check, then serves every check', async (t) => {
  const { token, jwks } = await signedToken();
  let fetches = 0;
  const server = createServer((_req, res) => { fetches++; res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(jwks)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const verify = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json` });
  assert.equal(fetches, 0, 'nothing fetched before a token is checked');
  assert.equal((await verify(`Bearer ${token}`)).sub, 'user-1');
  assert.equal((await verify(`Bearer ${token}`)).sub, 'user-1');
  assert.equal(fetches, 1);
});

test('an unreachable key set is a 503 (our dependency failing), not a 401', async () => {
  const { token } = await signedToken();
  const verify = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: 'http://127.0.0.1:9/jwks.json' });
  await assert.rejects(verify(`Bearer ${token}`), (err) => err instanceof AppError && err.status === 503 && err.code === 'SERVICE_UNAVAILABLE');
  await assert.rejects(verify('Bearer not-a-token'), (err) => err instanceof AppError && err.status === 401);
});

test('a key server that answers 500, or with something that is not a key set, is a 503; a token whose key it does not hold is a 401', async (t) => {
  const { token, jwks } = await signedToken();
  const answers: Array<[number, string]> = [[500, '{"error":"down"}'], [200, 'not json'], [200, '{"keys":"none"}'], [200, JSON.stringify({ keys: [{ ...jwks.keys[0], kid: 'other' }] })]];
  const server = createServer((_req, res) => {
    const [status, body] = answers[0];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  for (const expected of [503, 503, 503, 401]) {
    const verify = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: url }); // a fresh key set: no cooldown from the last one
    await assert.rejects(verify(`Bearer ${token}`), (err) => err instanceof AppError && err.status === expected, `${answers[0][0]} ${answers[0][1]}`);
    answers.shift();
  }
});

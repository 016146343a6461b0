// Reading GET /auth/config, dev sessions and dev user names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { devSessionValid, devUserProblem, parseAuthConfig } from './auth-config.ts';

test('auth config: auth0 needs its three fields; anything unknown is "none"', () => {
  assert.deepEqual(parseAuthConfig({ mode: 'auth0', domain: 'd', clientId: 'c', audience: 'a' }), { mode: 'auth0', domain: 'd', clientId: 'c', audience: 'a' });
  assert.deepEqual(parseAuthConfig({ mode: 'auth0', domain: 'd' }), { mode: 'none' });
  assert.deepEqual(parseAuthConfig({ mode: 'dev' }), { mode: 'dev' });
  assert.deepEqual(parseAuthConfig(null), { mode: 'none' });
});

test('a stored dev session is used only while it has more than the margin left', () => {
  const now = Date.parse('2026-02-01T12:00:00.000Z');
  assert.equal(devSessionValid({ user: 'a', token: 't', expiresAt: '2026-02-01T13:00:00.000Z' }, now), true);
  assert.equal(devSessionValid({ user: 'a', token: 't', expiresAt: '2026-02-01T12:00:10.000Z' }, now), false);
  assert.equal(devSessionValid(undefined, now), false);
});

test('dev user names', () => {
  assert.equal(devUserProblem('alice'), undefined);
  assert.equal(devUserProblem('  '), 'Required');
  assert.equal(devUserProblem('a b'), 'Letters, digits and . _ @ - only');
  assert.equal(devUserProblem('x'.repeat(65)), 'At most 64 characters');
});

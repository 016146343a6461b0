// Flag parsing: env values, defaults, and a clear start-up error naming the variable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvFlags, FlagConfigError } from './parse.ts';
import { featureForPath } from './registry.ts';
import { bucketOf, inCanary } from './bucket.ts';
import { unverifiedSub } from '../src/routing/token-sub.ts';

test('env values are read per feature, case-insensitively; unset means express by default', () => {
  const flags = parseEnvFlags({ VEHICLES_BACKEND: 'Fastify', FUEL_LOGS_BACKEND: 'express', STATIONS_BACKEND: '' });
  assert.deepEqual(flags.vehicles, { backend: 'fastify', stage: 'fastify', percent: 0, shadowRate: 100, source: 'env' });
  assert.deepEqual(flags['fuel-logs'], { backend: 'express', stage: 'express', percent: 0, shadowRate: 100, source: 'env' });
  assert.deepEqual(flags.stations, { backend: 'express', stage: 'express', percent: 0, shadowRate: 100, source: 'default' });
  assert.deepEqual(flags.maintenance, { backend: 'express', stage: 'express', percent: 0, shadowRate: 100, source: 'default' });
});

test('a bad value names the variable and the allowed values', () => {
  assert.throws(() => parseEnvFlags({ MAINTENANCE_BACKEND: 'koa' }), (err: Error) =>
    err instanceof FlagConfigError && /MAINTENANCE_BACKEND="koa"/.test(err.message) && /express, fastify/.test(err.message));
});

test('paths map to features by prefix only on segment boundaries', () => {
  assert.equal(featureForPath('/api/vehicles')?.name, 'vehicles');
  assert.equal(featureForPath('/api/vehicles/abc?x=1')?.name, 'vehicles');
  assert.equal(featureForPath('/api/vehicles?limit=1')?.name, 'vehicles');
  assert.equal(featureForPath('/api/fuel-logs/stats')?.name, 'fuel-logs');
  assert.equal(featureForPath('/api/vehiclesX'), undefined);
  assert.equal(featureForPath('/health'), undefined);
});

test('optional canary percentage and shadow rate set the default stage; bad values name the variable', () => {
  const flags = parseEnvFlags({ VEHICLES_CANARY_PERCENT: '25', STATIONS_SHADOW_RATE: '10', FUEL_LOGS_BACKEND: 'express', FUEL_LOGS_CANARY_PERCENT: '0' });
  assert.deepEqual(flags.vehicles, { backend: 'express', stage: 'canary', percent: 25, shadowRate: 100, source: 'env' });
  assert.deepEqual(flags.stations, { backend: 'express', stage: 'shadow', percent: 0, shadowRate: 10, source: 'env' });
  assert.equal(flags['fuel-logs'].stage, 'canary');
  for (const bad of ['101', '-1', '2.5', 'ten', '1e2', ' 0x10']) {
    assert.throws(() => parseEnvFlags({ VEHICLES_CANARY_PERCENT: bad }), (err: Error) =>
      err instanceof FlagConfigError && err.message.includes('VEHICLES_CANARY_PERCENT=') && /0\.\.100/.test(err.message), bad);
  }
  assert.throws(() => parseEnvFlags({ MAINTENANCE_SHADOW_RATE: '200' }), (err: Error) => err instanceof FlagConfigError && /MAINTENANCE_SHADOW_RATE="200"/.test(err.message));
  assert.throws(() => parseEnvFlags({ VEHICLES_BACKEND: 'fastify', VEHICLES_CANARY_PERCENT: '5' }), (err: Error) =>
    err instanceof FlagConfigError && /VEHICLES_CANARY_PERCENT/.test(err.message) && /VEHICLES_BACKEND=fastify/.test(err.message));
  assert.throws(() => parseEnvFlags({ VEHICLES_CANARY_PERCENT: '5', VEHICLES_SHADOW_RATE: '5' }), FlagConfigError);
});

test('buckets: murmur3 of feature:sub in 0..99, stable, uniform, monotone in the percentage', () => {
  assert.equal(bucketOf('vehicles', 'alice'), bucketOf('vehicles', 'alice'));
  const counts = new Array(100).fill(0);
  const subs = Array.from({ length: 20_000 }, (_, i) => `auth0|user-${i}`);
  for (const s of subs) {
    const b = bucketOf('vehicles', s);
    assert.ok(Number.isInteger(b) && b >= 0 && b < 100);
    counts[b]++;
  }
  for (const c of counts) assert.ok(c > 120 && c < 280, `bucket count ${c} far from 200`);
  const share = (p: number) => subs.filter((s) => inCanary('vehicles', s, p)).length / subs.length;
  assert.ok(Math.abs(share(25) - 0.25) < 0.02, `share at 25%: ${share(25)}`);
  for (const s of subs.slice(0, 2000)) {
    // raising never moves a native user back; lowering moves only users at or above the new line
    if (inCanary('vehicles', s, 25)) assert.ok(inCanary('vehicles', s, 50));
    assert.equal(inCanary('vehicles', s, 0), false);
    assert.equal(inCanary('vehicles', s, 100), true);
  }
  // different features bucket the same user independently; non-ASCII subs are hashed as UTF-8 bytes
  assert.notDeepEqual(subs.slice(0, 50).map((s) => bucketOf('vehicles', s)), subs.slice(0, 50).map((s) => bucketOf('stations', s)));
  assert.notEqual(bucketOf('vehicles', 'ü'), bucketOf('vehicles', 'ü'.normalize('NFD')));
});

test('unverified sub: the payload segment only; anything odd is undefined', () => {
  const seg = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = (payload: unknown) => `${seg({ alg: 'RS256' })}.${seg(payload)}.c2ln`;
  assert.equal(unverifiedSub(`Bearer ${token({ sub: 'auth0|42', aud: 'x' })}`), 'auth0|42');
  assert.equal(unverifiedSub(`bearer ${token({ sub: 'u' })}`), 'u');
  assert.equal(unverifiedSub(undefined), undefined);
  assert.equal(unverifiedSub(`Basic ${token({ sub: 'u' })}`), undefined);
  assert.equal(unverifiedSub(`Bearer ${token({ sub: 42 })}`), undefined);
  assert.equal(unverifiedSub(`Bearer ${token({ sub: '' })}`), undefined);
  assert.equal(unverifiedSub(`Bearer ${token(null)}`), undefined);
  assert.equal(unverifiedSub('Bearer abc.###.def'), undefined);
  assert.equal(unverifiedSub('Bearer nodots'), undefined);
  assert.equal(unverifiedSub(`Bearer x.${'A'.repeat(5000)}.y`), undefined);
});

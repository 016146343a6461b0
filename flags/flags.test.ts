// Flag parsing: env values, defaults, and a clear start-up error naming the variable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvFlags, FlagConfigError } from './parse.ts';
import { featureForPath } from './registry.ts';

test('env values are read per feature, case-insensitively; unset means express by default', () => {
  const flags = parseEnvFlags({ VEHICLES_BACKEND: 'Fastify', FUEL_LOGS_BACKEND: 'express', STATIONS_BACKEND: '' });
  assert.deepEqual(flags.vehicles, { backend: 'fastify', source: 'env' });
  assert.deepEqual(flags['fuel-logs'], { backend: 'express', source: 'env' });
  assert.deepEqual(flags.stations, { backend: 'express', source: 'default' });
  assert.deepEqual(flags.maintenance, { backend: 'express', source: 'default' });
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

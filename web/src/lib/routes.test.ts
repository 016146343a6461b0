// The app's URLs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchRoute, paths } from './routes.ts';

const ID = '0B6F8A3E-5D0C-4A55-9A1E-6F1F5B3C2D10';

test('paths map to pages, and every page path maps back', () => {
  assert.deepEqual(matchRoute('/'), { page: 'vehicles' });
  assert.deepEqual(matchRoute('/vehicles/'), { page: 'vehicles' });
  assert.deepEqual(matchRoute('/stations'), { page: 'stations' });
  assert.deepEqual(matchRoute(`/vehicles/${ID}`), { page: 'vehicle', id: ID.toLowerCase(), tab: 'overview' });
  assert.deepEqual(matchRoute(`/vehicles/${ID}/fuel`), { page: 'vehicle', id: ID.toLowerCase(), tab: 'fuel' });
  assert.deepEqual(matchRoute(`/vehicles/${ID}/maintenance/`), { page: 'vehicle', id: ID.toLowerCase(), tab: 'maintenance' });
  for (const p of ['/nope', '/vehicles/123', `/vehicles/${ID}/other`]) assert.deepEqual(matchRoute(p), { page: 'not-found' }, p);
  const id = ID.toLowerCase();
  assert.equal(matchRoute(paths.fuel(id)).page, 'vehicle');
  assert.equal(matchRoute(paths.maintenance(id)).page, 'vehicle');
  assert.equal(matchRoute(paths.stations()).page, 'stations');
});

// Request sequences the parity runner plays against legacy direct, gateway → express and
// gateway → fastify, comparing status, content type, Location and normalised bodies.
import type { Scenario } from '../support/parity.ts';

const JSON_CT = { 'content-type': 'application/json' };
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const search = (q: string) => `/api/stations/search?${q}`;
const station = (over: Record<string, unknown> = {}) => ({ placeId: 'ChIJv3w7fL3SEg0R-yBzy4ujaqc', name: 'Repsol', lat: 37.712465, lng: -5.0804691, ...over });

export const scenarios: Scenario[] = [
  {
    name: 'search: recorded nearby answer, ranked; default and explicit radius; cache hit from a nearby point',
    async run({ as }) {
      await as.get(search('lat=37.7053654&lng=-5.1002203'));
      await as.get(search('lat=37.7053654&lng=-5.1002203&radius=1000'));
      await as.get(search('lat=37.7049&lng=-5.1004')); // same cache key as the first, own distances
      await as.get(search('lat=37.7053654&lng=-5.1002203&radius=100&unknown=ignored'));
    },
  },
  {
    name: 'search: text-search shaped results and ZERO_RESULTS',
    async run({ as, fakes }) {
      await as.get(search('lat=10.5&lng=-5.1&radius=50000'));
      await as.get(search('lat=0.5&lng=0.5'));
      fakes.setMode('places', 'zero-results');
      await as.get(search('lat=40&lng=3'));
    },
  },
  {
    name: 'search: Places failures are 502 and are not cached',
    async run({ as, fakes }) {
      for (const mode of ['fail', 'garbage', 'over-query-limit', 'request-denied'] as const) {
        fakes.setMode('places', mode);
        await as.get(search('lat=41&lng=2'));
      }
      fakes.setMode('places', 'ok');
      await as.get(search('lat=41&lng=2'));
    },
  },
  {
    name: 'search: Places timeout is 502',
    async run({ as, fakes }) {
      fakes.setMode('places', 'slow', { delayMs: 3000 });
      await as.get(search('lat=42&lng=2'));
      fakes.setMode('places', 'hang');
      await as.get(search('lat=43&lng=2'));
    },
  },
  {
    name: 'search: every query bound and malformed value',
    async run({ as }) {
      for (const q of [
        'lat=90&lng=180&radius=100', 'lat=-90&lng=-180&radius=50000', 'lat=90.0001&lng=0', 'lat=-90.0001&lng=0',
        'lat=north&lng=0', 'lng=1', 'lat=&lng=1', 'lat=1&lat=2&lng=1', 'lat=1&lng=180.0001', 'lat=1&lng=-180.5',
        'lat=1', 'lat=1&lng=1&radius=99', 'lat=1&lng=1&radius=50001', 'lat=1&lng=1&radius=100.5',
        'lat=1&lng=1&radius=far', 'lat=1e1&lng=2', '',
      ]) await as.get(search(q));
    },
  },
  {
    name: 'search and saved: no or bad token',
    async run({ anon }) {
      await anon.get(search('lat=1&lng=1'));
      await anon.get('/api/stations/saved');
      await anon.post('/api/stations/saved', station());
      await anon.put(`/api/stations/saved/${UNKNOWN}`, { nickname: 'x' });
      await anon.del(`/api/stations/saved/${UNKNOWN}`);
      await anon.get('/api/stations/saved', { headers: { authorization: 'Bearer not.a.jwt' } });
      await anon.get('/api/stations/nope');
    },
  },
  {
    name: 'saved: full lifecycle',
    async run({ as }) {
      await as.get('/api/stations/saved');
      const created = await as.post('/api/stations/saved', station());
      await as.post('/api/stations/saved', { placeId: 'p'.repeat(255), name: 'n'.repeat(200), address: 'a'.repeat(500), lat: -90, lng: 180, nickname: 'k'.repeat(100), isFavorite: true });
      await as.post('/api/stations/saved', station({ placeId: 'explicit-nulls', address: null, nickname: null, isFavorite: false }));
      await as.get('/api/stations/saved');
      const id = created.body.id as string;
      await as.get(`/api/stations/saved/${id}`);
      await as.put(`/api/stations/saved/${id}`, { isFavorite: true });
      await as.put(`/api/stations/saved/${id}`, { nickname: 'work' });
      await as.put(`/api/stations/saved/${id}`, { nickname: null, isFavorite: false });
      await as.put(`/api/stations/saved/${id}`, {});
      await as.get('/api/stations/saved/');
      await as.del(`/api/stations/saved/${id}`);
      await as.get(`/api/stations/saved/${id}`);
      await as.put(`/api/stations/saved/${id}`, { nickname: 'x' });
      await as.del(`/api/stations/saved/${id}`);
      await as.post('/api/stations/saved', station());
      await as.get('/api/stations/saved');
    },
  },
  {
    name: 'saved: same place twice is 409, another user may save it',
    async run({ as, other }) {
      await as.post('/api/stations/saved', station());
      await as.post('/api/stations/saved', station({ name: 'Renamed' }));
      await other.post('/api/stations/saved', station());
      await as.get('/api/stations/saved');
    },
  },
  {
    name: 'saved: another user\'s station is a 404 everywhere',
    async run({ as, other }) {
      const created = await as.post('/api/stations/saved', station({ nickname: 'mine' }));
      const path = `/api/stations/saved/${created.body.id}`;
      await other.get(path);
      await other.put(path, { nickname: 'stolen' });
      await other.del(path);
      await other.get('/api/stations/saved');
      await as.get(path);
      await as.get(`/api/stations/saved/${UNKNOWN}`);
    },
  },
  {
    name: 'saved: POST validation of every field',
    async run({ as }) {
      for (const over of [
        { placeId: undefined }, { placeId: '' }, { placeId: 'p'.repeat(256) }, { placeId: 5 },
        { name: undefined }, { name: '' }, { name: 'n'.repeat(201) }, { name: null },
        { address: 'a'.repeat(501) }, { address: 12 },
        { lat: undefined }, { lat: 90.5 }, { lat: -91 }, { lat: '37.7' }, { lat: null },
        { lng: undefined }, { lng: 181 }, { lng: -180.01 },
        { nickname: 'k'.repeat(101) }, { nickname: 7 }, { isFavorite: 'true' }, { isFavorite: null },
        { rating: 4 }, { id: UNKNOWN }, { createdAt: '2026-01-01T00:00:00.000Z' },
        { name: 'a\u0000b' }, { nickname: '\u0000' }, { name: '⛽'.repeat(200), nickname: '😀'.repeat(100) },
      ]) await as.post('/api/stations/saved', station(over));
      await as.get('/api/stations/saved');
    },
  },
  {
    name: 'saved: PUT validation and non-UUID ids',
    async run({ as }) {
      const created = await as.post('/api/stations/saved', station());
      const path = `/api/stations/saved/${created.body.id}`;
      for (const body of [{ nickname: 'k'.repeat(101) }, { isFavorite: 1 }, { name: 'New' }, { placeId: 'x' }, { lat: 1 }, [], 'text'])
        await as.put(path, body);
      await as.get(path);
      await as.get('/api/stations/saved/123');
      await as.put('/api/stations/saved/not-a-uuid', { nickname: 'x' });
      await as.del(`/api/stations/saved/${UNKNOWN}x`);
      await as.put('/api/stations/saved/not-a-uuid', { bogus: 1 });
    },
  },
  {
    name: 'saved: bodies that are not a JSON object',
    async run({ as }) {
      await as.post('/api/stations/saved', [station()]);
      await as.post('/api/stations/saved');
      for (const body of ['null', '"text"', '42', '{"placeId":', '', '{}'])
        await as.raw('POST', '/api/stations/saved', { headers: JSON_CT, body });
      await as.raw('POST', '/api/stations/saved', { headers: { 'content-type': 'text/plain' }, body: JSON.stringify(station()) });
      await as.raw('POST', '/api/stations/saved', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'placeId=x' });
      await as.raw('POST', '/api/stations/saved', { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(station()) });
      await as.raw('POST', '/api/stations/saved', { headers: JSON_CT, body: JSON.stringify(station({ placeId: 'big', address: 'a'.repeat(1024 * 1024) })) });
      await as.raw('PUT', `/api/stations/saved/${UNKNOWN}`, { headers: JSON_CT, body: '{nickname' });
      await as.raw('PUT', `/api/stations/saved/${UNKNOWN}`, { headers: { 'content-type': 'text/plain' }, body: 'x' });
      await as.get('/api/stations/saved');
    },
  },
  {
    name: 'saved: DELETE with a body',
    async run({ as }) {
      const created = await as.post('/api/stations/saved', station());
      const path = `/api/stations/saved/${created.body.id}`;
      await as.raw('DELETE', path, { headers: JSON_CT, body: '{' });
      await as.raw('DELETE', path, { headers: { 'content-type': 'text/plain' }, body: 'bye' });
      await as.raw('DELETE', path, { headers: JSON_CT, body: '{}' });
      await as.get('/api/stations/saved');
    },
  },
  {
    name: 'routes the feature does not have',
    async run({ as }) {
      await as.get('/api/stations');
      await as.get('/api/stations/');
      await as.get('/api/stations/SAVED');
      await as.get('/api/stations/saved/extra/segment');
      await as.raw('PATCH', `/api/stations/saved/${UNKNOWN}`, { headers: JSON_CT, body: '{}' });
      await as.raw('OPTIONS', '/api/stations/saved');
      await as.raw('OPTIONS', search('lat=1&lng=1'));
      await as.post('/api/stations/search', {});
      await as.request('HEAD', '/api/stations/saved');
    },
  },
];

// Request sequences for /api/vehicles that the parity runner plays against legacy, gateway→express and
// gateway→fastify with fresh users, comparing status, content type, Location and normalised bodies.
import type { Scenario } from '../support/parity.ts';

const CLEAN_VIN = '1HGCM82633A004352'; // fake vPIC: the recorded clean decode (HONDA Accord 2003)
const OTHER_VIN = '2T1BURHE0JC000001'; // fake vPIC: the clean decode relabelled with this VIN
const PARTIAL_VIN = 'ZZ1CM82633A004352'; // fake vPIC: the partial decode (ACURA, 2011, no model)
const MAX_YEAR = new Date().getUTCFullYear() + 1;
const MIB = 1024 * 1024;
const JSON_TYPE = { 'content-type': 'application/json' };
const BASE = { make: 'Toyota', model: 'Corolla', year: 2015 };
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3]);

type Ctx = Parameters<Scenario['run']>[0];

async function newVehicle(ctx: Ctx, body: Record<string, unknown> = {}): Promise<string> {
  const res = await ctx.as.post('/api/vehicles', { ...BASE, ...body });
  return (res.body as { id: string }).id;
}

export const scenarios: Scenario[] = [
  {
    name: 'list: empty, defaults, paging echo, unknown query params',
    async run({ as }) {
      await as.get('/api/vehicles');
      await as.get('/api/vehicles/');
      await as.get('/api/vehicles?limit=200&offset=5');
      await as.get('/api/vehicles?limit=1&offset=0&foo=bar');
    },
  },
  {
    name: 'list: limit and offset out of bounds',
    async run({ as }) {
      for (const q of ['limit=0', 'limit=201', 'limit=abc', 'limit=1.5', 'limit=', 'limit=1&limit=2', 'offset=-1', 'offset=x']) {
        await as.get(`/api/vehicles?${q}`);
      }
    },
  },
  {
    name: 'list: oldest first, own live vehicles only, paging',
    async run(ctx) {
      const { as, other } = ctx;
      await newVehicle(ctx, { nickname: 'first' });
      const second = await newVehicle(ctx, { nickname: 'second' });
      await newVehicle(ctx, { nickname: 'third' });
      await other.post('/api/vehicles', { ...BASE, nickname: 'not mine' });
      await as.del(`/api/vehicles/${second}`);
      await as.get('/api/vehicles');
      await as.get('/api/vehicles?limit=1&offset=1');
      await as.get('/api/vehicles?offset=5');
    },
  },
  {
    name: 'create: every field, then read it back',
    async run({ as }) {
      const res = await as.post('/api/vehicles', {
        vin: ` ${CLEAN_VIN.toLowerCase()} `, make: 'Honda', model: 'Accord', year: 2003, nickname: 'Daily',
        color: 'Silver', licensePlate: 'ABC-123', odometer: 123456,
      });
      const id = (res.body as { id: string }).id;
      await as.get(`/api/vehicles/${id}`);
      await as.get(`/api/vehicles/${id.toUpperCase()}`);
      await as.get('/api/vehicles');
    },
  },
  {
    name: 'create: defaults and nulls, fields at their bounds',
    async run({ as }) {
      await as.post('/api/vehicles', BASE);
      await as.post('/api/vehicles', { ...BASE, vin: null, nickname: null, color: null, licensePlate: null });
      await as.post('/api/vehicles', {
        make: 'M'.repeat(50), model: 'm', year: MAX_YEAR, nickname: 'n'.repeat(100), color: 'c'.repeat(30),
        licensePlate: 'p'.repeat(15), odometer: 2_000_000,
      });
      await as.post('/api/vehicles', { ...BASE, year: 1900, odometer: 0 });
    },
  },
  {
    name: 'create: make, model and year filled from the VIN decode',
    async run({ as }) {
      await as.post('/api/vehicles', { vin: CLEAN_VIN });
      await as.post('/api/vehicles', { vin: OTHER_VIN.toLowerCase(), make: 'Toyota', year: 2018 });
      await as.get('/api/vehicles');
    },
  },
  {
    name: 'create: partial decode without a model → 400 on vin; given model → 201',
    async run({ as }) {
      await as.post('/api/vehicles', { vin: PARTIAL_VIN });
      await as.post('/api/vehicles', { vin: PARTIAL_VIN, make: 'Acura', year: 2012 });
      await as.post('/api/vehicles', { vin: PARTIAL_VIN, model: 'MDX' });
    },
  },
  {
    name: 'create: without a VIN, make, model and year are required',
    async run({ as }) {
      await as.post('/api/vehicles', {});
      await as.post('/api/vehicles', { make: 'A', year: 2000 });
      await as.post('/api/vehicles', { make: 'A', model: 'B', vin: null });
      await as.post('/api/vehicles', { nickname: 'only a nickname' });
    },
  },
  {
    name: 'create: each field out of bounds, wrong types, unknown fields',
    async run({ as }) {
      const bad: Array<Record<string, unknown>> = [
        { make: '' }, { make: 'm'.repeat(51) }, { make: 5 }, { make: null }, { model: '' }, { model: 'm'.repeat(51) },
        { year: 1899 }, { year: MAX_YEAR + 1 }, { year: 2000.5 }, { year: '2000' }, { year: null },
        { nickname: 'n'.repeat(101) }, { nickname: 1 }, { color: 'c'.repeat(31) }, { licensePlate: 'p'.repeat(16) },
        { odometer: -1 }, { odometer: 2_000_001 }, { odometer: 1.5 }, { odometer: null }, { odometer: '10' },
        { vin: '1HGCM82633A00435I' }, { vin: '1HGCM82633A00435' }, { vin: '1HGCM82633A0043521' }, { vin: 12345 },
        { vin: '' }, { vin: 'X'.repeat(65) }, { unknownField: 1 }, { hasPhoto: true }, { id: MISSING_ID },
        { createdAt: '2020-01-01T00:00:00.000Z' },
      ];
      for (const patch of bad) await as.post('/api/vehicles', { ...BASE, ...patch });
      await as.get('/api/vehicles');
    },
  },
  {
    name: 'create: body that is not a JSON object',
    async run({ as }) {
      await as.raw('POST', '/api/vehicles', { headers: JSON_TYPE, body: '{"make": "A",' });
      await as.raw('POST', '/api/vehicles', { headers: JSON_TYPE, body: '' });
      await as.raw('POST', '/api/vehicles', { headers: JSON_TYPE, body: 'null' });
      await as.raw('POST', '/api/vehicles', { headers: JSON_TYPE, body: '[1,2]' });
      await as.raw('POST', '/api/vehicles', { headers: JSON_TYPE, body: '"text"' });
      await as.raw('POST', '/api/vehicles', { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(BASE) });
      await as.raw('POST', '/api/vehicles', { headers: { 'content-type': 'application/xml' }, body: '<vehicle/>' });
      await as.raw('POST', '/api/vehicles', { headers: { 'content-type': 'text/plain' }, body: JSON.stringify(BASE) });
      await as.raw('POST', '/api/vehicles', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'make=A' });
      await as.request('POST', '/api/vehicles');
      await as.raw('POST', '/api/vehicles', { headers: JSON_TYPE, body: JSON.stringify({ ...BASE, nickname: 'x'.repeat(MIB + 10) }) });
      await as.get('/api/vehicles');
    },
  },
  {
    name: 'create: prototype keys in the JSON body',
    async run({ as }) {
      await as.raw('POST', '/api/vehicles', { headers: JSON_TYPE, body: '{"make":"A","model":"B","year":2000,"__proto__":{"admin":true}}' });
      await as.raw('POST', '/api/vehicles', { headers: JSON_TYPE, body: '{"make":"A","model":"B","year":2000,"constructor":{"prototype":{"admin":true}}}' });
      await as.get('/api/vehicles');
    },
  },
  {
    name: 'create: duplicate live VIN → 409; free again after delete and for another user',
    async run(ctx) {
      const { as, other } = ctx;
      const id = await newVehicle(ctx, { vin: CLEAN_VIN });
      await as.post('/api/vehicles', { ...BASE, vin: CLEAN_VIN.toLowerCase() });
      await as.post('/api/vehicles', { vin: CLEAN_VIN });
      await other.post('/api/vehicles', { ...BASE, vin: CLEAN_VIN });
      await as.del(`/api/vehicles/${id}`);
      await as.post('/api/vehicles', { ...BASE, vin: CLEAN_VIN });
      await as.get('/api/vehicles');
    },
  },
  {
    name: 'create: vPIC failing, garbage, hanging → 502 and nothing stored',
    async run({ as, fakes }) {
      for (const mode of ['fail', 'garbage', 'hang'] as const) {
        fakes.setMode('vpic', mode);
        await as.post('/api/vehicles', { vin: OTHER_VIN });
      }
      fakes.reset();
      await as.get('/api/vehicles');
      await as.post('/api/vehicles', { vin: OTHER_VIN });
    },
  },
  {
    name: 'get one: not mine, deleted, unknown, not a UUID',
    async run(ctx) {
      const { as, other } = ctx;
      const id = await newVehicle(ctx);
      await other.get(`/api/vehicles/${id}`);
      await as.get(`/api/vehicles/${MISSING_ID}`);
      await as.get('/api/vehicles/not-a-uuid');
      await as.get(`/api/vehicles/urn:uuid:${id}`);
      await as.get(`/api/vehicles/${id}/`);
      await as.del(`/api/vehicles/${id}`);
      await as.get(`/api/vehicles/${id}`);
    },
  },
  {
    name: 'update: partial, null clears, empty body keeps values',
    async run(ctx) {
      const { as } = ctx;
      const id = await newVehicle(ctx, { nickname: 'Old', color: 'Red', licensePlate: 'P1', odometer: 10 });
      await as.put(`/api/vehicles/${id}`, { nickname: null, odometer: 20, year: MAX_YEAR, make: 'Lexus' });
      await as.put(`/api/vehicles/${id}`, { color: 'Blue', licensePlate: null, model: 'IS' });
      await as.put(`/api/vehicles/${id}`, {});
      await as.get(`/api/vehicles/${id}`);
    },
  },
  {
    name: 'update: vin, unknown fields, bounds, bad bodies',
    async run(ctx) {
      const { as } = ctx;
      const id = await newVehicle(ctx);
      const bad: Array<Record<string, unknown>> = [
        { vin: CLEAN_VIN }, { vin: null }, { hasPhoto: true }, { make: '' }, { make: null }, { model: 'm'.repeat(51) },
        { year: 1899 }, { year: MAX_YEAR + 1 }, { nickname: 'n'.repeat(101) }, { color: 'c'.repeat(31) },
        { licensePlate: 'p'.repeat(16) }, { odometer: -1 }, { odometer: 2_000_001 }, { odometer: '5' },
      ];
      for (const body of bad) await as.put(`/api/vehicles/${id}`, body);
      await as.put('/api/vehicles/123', { make: 'A' });
      await as.request('PUT', `/api/vehicles/${id}`);
      await as.raw('PUT', `/api/vehicles/${id}`, { headers: JSON_TYPE, body: '{' });
      await as.raw('PUT', `/api/vehicles/${id}`, { headers: JSON_TYPE, body: '[]' });
      await as.raw('PUT', `/api/vehicles/${id}`, { headers: { 'content-type': 'application/xml' }, body: '<x/>' });
      await as.raw('PUT', `/api/vehicles/${id}`, { headers: { 'content-type': 'text/plain' }, body: 'x' });
      await as.get(`/api/vehicles/${id}`);
    },
  },
  {
    name: 'update: another user\'s, deleted or unknown vehicle → 404',
    async run(ctx) {
      const { as, other } = ctx;
      const id = await newVehicle(ctx);
      await other.put(`/api/vehicles/${id}`, { make: 'Stolen' });
      await as.put(`/api/vehicles/${MISSING_ID}`, { make: 'Ghost' });
      await as.del(`/api/vehicles/${id}`);
      await as.put(`/api/vehicles/${id}`, { make: 'Ghost' });
      await other.get('/api/vehicles');
    },
  },
  {
    name: 'delete: 204, gone everywhere, repeat and foreign → 404, bad id → 400',
    async run(ctx) {
      const { as, other } = ctx;
      const id = await newVehicle(ctx);
      const theirs = (await other.post('/api/vehicles', BASE)).body as { id: string };
      await as.del(`/api/vehicles/${theirs.id}`);
      await other.get(`/api/vehicles/${theirs.id}`);
      await as.del(`/api/vehicles/${id}`);
      await as.del(`/api/vehicles/${id}`);
      await as.get(`/api/vehicles/${id}`);
      await as.get(`/api/vehicles/${id}/photo`);
      await as.get('/api/vehicles');
      await as.del('/api/vehicles/abc');
      await as.del(`/api/vehicles/${MISSING_ID}`);
    },
  },
  {
    name: 'delete: with a body',
    async run(ctx) {
      const { as } = ctx;
      const id = await newVehicle(ctx);
      await as.raw('DELETE', `/api/vehicles/${id}`, { headers: { 'content-type': 'text/plain' }, body: 'x' });
      await as.raw('DELETE', `/api/vehicles/${id}`, { headers: JSON_TYPE, body: '{' });
      await as.raw('DELETE', `/api/vehicles/${id}`, { headers: JSON_TYPE, body: '{"reason":"sold"}' });
      await as.get(`/api/vehicles/${id}`);
    },
  },
  {
    name: 'decode-vin: clean, normalised, partial, repeated (cached)',
    async run({ as }) {
      await as.get(`/api/vehicles/decode-vin/${CLEAN_VIN}`);
      await as.get(`/api/vehicles/decode-vin/${encodeURIComponent(` ${CLEAN_VIN.toLowerCase()} `)}`);
      await as.get(`/api/vehicles/decode-vin/${OTHER_VIN}`);
      await as.get(`/api/vehicles/decode-vin/${PARTIAL_VIN}`);
      await as.get(`/api/vehicles/decode-vin/${OTHER_VIN}`);
    },
  },
  {
    name: 'decode-vin: bad VINs → 400 on vin',
    async run({ as }) {
      for (const vin of ['1HGCM82633A00435', '1HGCM82633A0043521', 'IHGCM82633A004352', 'OHGCM82633A004352', 'QHGCM82633A004352',
        'photo', '1HGCM82633A00435%21', 'X'.repeat(65)]) {
        await as.get(`/api/vehicles/decode-vin/${vin}`);
      }
    },
  },
  {
    name: 'decode-vin: vPIC 500, garbage, hang, slow → 502; recovers uncached',
    async run({ as, fakes }) {
      fakes.setMode('vpic', 'fail');
      await as.get(`/api/vehicles/decode-vin/${OTHER_VIN}`);
      fakes.setMode('vpic', 'garbage');
      await as.get(`/api/vehicles/decode-vin/${OTHER_VIN}`);
      fakes.setMode('vpic', 'hang');
      await as.get(`/api/vehicles/decode-vin/${OTHER_VIN}`);
      fakes.setMode('vpic', 'slow', { delayMs: 3000 });
      await as.get(`/api/vehicles/decode-vin/${OTHER_VIN}`);
      fakes.setMode('vpic', 'slow', { delayMs: 50 });
      await as.get(`/api/vehicles/decode-vin/${OTHER_VIN}`);
    },
  },
  {
    name: 'photo: put, get, replace, delete, delete again',
    async run(ctx) {
      const { as } = ctx;
      const id = await newVehicle(ctx);
      const path = `/api/vehicles/${id}/photo`;
      await as.get(path);
      await as.raw('PUT', path, { headers: { 'content-type': 'image/png' }, body: PNG });
      await as.get(path);
      await as.get(`/api/vehicles/${id}`);
      await as.raw('PUT', path, { headers: { 'content-type': 'image/jpeg; quality=high' }, body: Buffer.alloc(2 * MIB, 3) });
      await as.get(path);
      await as.raw('PUT', path, { headers: { 'content-type': 'image/webp' }, body: Buffer.alloc(5 * MIB, 4) });
      await as.get(path);
      await as.del(path);
      await as.get(path);
      await as.get(`/api/vehicles/${id}`);
      await as.del(path);
    },
  },
  {
    name: 'photo: wrong or missing type → 415, over 5 MiB → 413, nothing stored',
    async run(ctx) {
      const { as } = ctx;
      const id = await newVehicle(ctx);
      const path = `/api/vehicles/${id}/photo`;
      for (const type of ['image/gif', 'application/json', 'text/plain', 'application/pdf', 'image/pngx']) {
        await as.raw('PUT', path, { headers: { 'content-type': type }, body: '{}' });
      }
      await as.request('PUT', path, undefined, { raw: Buffer.from('no type') });
      await as.raw('PUT', path, { headers: { 'content-type': 'image/png' }, body: Buffer.alloc(5 * MIB + 1) });
      await as.get(path);
      await as.get(`/api/vehicles/${id}`);
    },
  },
  {
    name: 'photo: another user\'s, deleted or unknown vehicle → 404; bad id → 400',
    async run(ctx) {
      const { as, other } = ctx;
      const id = await newVehicle(ctx);
      const png = { headers: { 'content-type': 'image/png' }, body: PNG };
      await as.raw('PUT', `/api/vehicles/${id}/photo`, png);
      await other.raw('PUT', `/api/vehicles/${id}/photo`, png);
      await other.get(`/api/vehicles/${id}/photo`);
      await other.del(`/api/vehicles/${id}/photo`);
      await as.get(`/api/vehicles/${id}/photo`);
      await as.raw('PUT', `/api/vehicles/${MISSING_ID}/photo`, png);
      await as.get(`/api/vehicles/${MISSING_ID}/photo`);
      await as.del(`/api/vehicles/${MISSING_ID}/photo`);
      await as.raw('PUT', '/api/vehicles/nope/photo', png);
      await as.get('/api/vehicles/nope/photo');
      await as.del('/api/vehicles/nope/photo');
      await as.del(`/api/vehicles/${id}`);
      await as.get(`/api/vehicles/${id}/photo`);
      await as.raw('PUT', `/api/vehicles/${id}/photo`, png);
      await as.del(`/api/vehicles/${id}/photo`);
    },
  },
  {
    name: 'auth: every route without a token → 401',
    async run(ctx) {
      const { anon } = ctx;
      const id = await newVehicle(ctx);
      await anon.get('/api/vehicles');
      await anon.post('/api/vehicles', BASE);
      await anon.get(`/api/vehicles/${id}`);
      await anon.put(`/api/vehicles/${id}`, { make: 'X' });
      await anon.del(`/api/vehicles/${id}`);
      await anon.get(`/api/vehicles/decode-vin/${CLEAN_VIN}`);
      await anon.raw('PUT', `/api/vehicles/${id}/photo`, { headers: { 'content-type': 'image/png' }, body: PNG });
      await anon.get(`/api/vehicles/${id}/photo`);
      await anon.del(`/api/vehicles/${id}/photo`);
      await anon.get('/api/vehicles/not-a-uuid');
    },
  },
  {
    name: 'routing: unknown methods and paths under the prefix → 404',
    async run(ctx) {
      const { as } = ctx;
      const id = await newVehicle(ctx);
      await as.request('PATCH', `/api/vehicles/${id}`, { make: 'X' });
      await as.post(`/api/vehicles/${id}`, BASE);
      await as.get(`/api/vehicles/${id}/unknown`);
      await as.get(`/api/vehicles/DECODE-VIN/${CLEAN_VIN}`);
      await as.post(`/api/vehicles/decode-vin/${CLEAN_VIN}`, {});
      await as.get('/api/vehicles/decode-vin/');
      await as.get(`/api/vehicles/${id}`);
    },
  },
  {
    name: 'http edges: HEAD, bad percent-encoding',
    async run(ctx) {
      const { as } = ctx;
      const id = await newVehicle(ctx);
      await as.request('HEAD', `/api/vehicles/${id}`);
      await as.request('HEAD', '/api/vehicles');
      await as.get('/api/vehicles/%E0%A4%A');
      await as.get('/api/vehicles/decode-vin/%E0%A4%A');
    },
  },
  // Request-level classes decided once in docs/api-notes.md ("Bodies", "Paths"): every backend answers alike.
  {
    name: 'HTTP classes: content codings (gzip, unknown, identity) and charsets (utf-99, latin1, UTF-16LE)',
    async run({ as }) {
      const json = JSON.stringify(BASE);
      const { gzipSync, deflateSync } = await import('node:zlib');
      for (const [encoding, body] of [['gzip', gzipSync(json)], ['deflate', deflateSync(json)], ['x-bogus', json], ['GZIP', gzipSync(json)],
        ['identity', json], ['Identity', json], ['identity, gzip', gzipSync(json)]] as const) {
        await as.raw('POST', '/api/vehicles', { headers: { ...JSON_TYPE, 'content-encoding': encoding }, body });
      }
      for (const charset of ['utf-99', 'latin1', 'iso-8859-1', 'utf-16le', 'UTF-16', 'utf-32', 'ascii', '"utf-8"', 'UTF8', 'utf-8']) {
        const body = /16/.test(charset) ? Buffer.from(json, 'utf16le') : json;
        await as.raw('POST', '/api/vehicles', { headers: { 'content-type': `application/json; charset=${charset}` }, body });
      }
      await as.raw('POST', '/api/vehicles', { headers: JSON_TYPE, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]) });
      await as.raw('POST', '/api/vehicles', { headers: JSON_TYPE, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) }); // invalid UTF-8
      await as.get('/api/vehicles');
    },
  },
  {
    name: 'HTTP classes: nesting depth (at the limit, over it, 100,000 deep, deep inside strings)',
    async run({ as }) {
      const nest = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);
      for (const body of [nest(64, '[', ']'), nest(65, '[', ']'), nest(100_000, '[', ']'), `${'{"a":'.repeat(30_000)}1${'}'.repeat(30_000)}`,
        JSON.stringify({ ...BASE, nickname: '['.repeat(90) }), `{"make":${nest(70, '[', ']')}}`]) {
        await as.raw('POST', '/api/vehicles', { headers: JSON_TYPE, body });
      }
      await as.get('/api/vehicles');
    },
  },
  {
    name: 'HTTP classes: preflights and OPTIONS without a token, with and without an Origin',
    async run({ anon, as }) {
      for (const c of [anon, as]) {
        await c.request('OPTIONS', '/api/vehicles', undefined, { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
        await c.request('OPTIONS', `/api/vehicles/${MISSING_ID}/photo`, undefined, { headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization' } });
        await c.request('OPTIONS', '/api/unknown-thing');
      }
    },
  },
  {
    name: 'HTTP classes: over-long ids and params, traversal in params, unknown /api paths',
    async run({ as, anon }) {
      for (const n of [37, 101, 1000, 8000]) {
        await as.get(`/api/vehicles/${'a'.repeat(n)}`);
        await as.put(`/api/vehicles/${MISSING_ID.repeat(Math.ceil(n / 36)).slice(0, n)}`, { nickname: 'x' });
        await as.get(`/api/vehicles/decode-vin/${'V'.repeat(n)}`);
      }
      for (const c of [as, anon]) {
        for (const path of ['/api/vehicles/decode-vin/..%2f..%2fadmin', '/api/vehicles/decode-vin/..%2F..%2Fhealth', '/api/vehicles/%2e%2e',
          `/api/vehicles/${MISSING_ID}%2fphoto`, '/api/vehicles/a%5cb', '/api/vehicles/.%2E/x', '/api/unknown', '/api/unknown/deeper?x=1', '/api',
          '/api/vehicles/..;/x', '/api/unknown/..x']) {
          await c.get(path);
        }
      }
    },
  },
];

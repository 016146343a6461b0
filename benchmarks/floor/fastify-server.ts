// A second reference for the benchmark: the floor's work on bare Fastify. Same deps, token cache, AJV
// query validators, services, SQL and cache calls as the floor (server.ts), the capsules' own response
// schemas (so fast-json-stringify serialises the same shapes), a pino logger at LOG_LEVEL like the
// gateway's, and nothing else: no helmet headers, rate limit, metrics, request context, flags or proxy.
// native vs this = what the gateway's own cross-cutting plugins cost; this vs the floor = Fastify's.
// Used by `node benchmarks/paired.ts` (variant kind `fastify-floor`).
import Fastify, { type FastifyRequest } from 'fastify';
import { loadConfigOrExit } from '../../src/config/config.ts';
import { closeDeps, createDeps } from '../../src/core/deps.ts';
import type {} from '../../src/plugins/auth.ts'; // its FastifyRequest.user declaration (AuthUser | null)
import { compileValidator } from '../../src/core/validation.ts';
import { cachedVerifier } from '../../src/core/token-cache.ts';
import * as vehicles from '../../fastify-features/vehicles/service.ts';
import * as fuelLogs from '../../fastify-features/fuel-logs/service.ts';
import * as stations from '../../fastify-features/stations/service.ts';
import * as maintenance from '../../fastify-features/maintenance/service.ts';
import { ListQuerySchema, VehicleListSchema } from '../../fastify-features/vehicles/api/schemas.ts';
import { FuelLogListSchema, FuelStatsQuerySchema, FuelStatsSchema, ListFuelLogsQuerySchema } from '../../fastify-features/fuel-logs/api/schemas.ts';
import { SearchQuerySchema, SearchResponseSchema } from '../../fastify-features/stations/api/schemas.ts';
import { UpcomingList, UpcomingQuery } from '../../fastify-features/maintenance/api/schemas.ts';

const config = loadConfigOrExit();
const deps = createDeps(config, { warn: (obj, msg) => console.warn(msg, obj) });
const verify = cachedVerifier(deps.verifyToken);
const app = Fastify({ logger: { level: config.LOG_LEVEL }, routerOptions: { ignoreTrailingSlash: true } });
app.setValidatorCompiler(({ schema, httpPart }) => compileValidator(schema, httpPart));

app.decorateRequest('user', null);
const userOf = (request: FastifyRequest): string => {
  if (!request.user) throw new Error('no user');
  return request.user.sub;
};

app.get('/health', async () => ({ status: 'ok' }));
await app.register(async (api) => {
  api.addHook('onRequest', (request, _reply, done) => {
    const user = verify(request.headers.authorization);
    if (!(user instanceof Promise)) {
      request.user = user;
      return done();
    }
    user.then((u) => { request.user = u; done(); }, done);
  });
  const get = (url: string, querystring: object, response: object, call: (sub: string, query: never) => Promise<unknown>) =>
    api.get(url, { schema: { querystring, response: { 200: response } } }, (request) => call(userOf(request), request.query as never));
  get('/api/vehicles', ListQuerySchema, VehicleListSchema, (sub, q) => vehicles.listVehicles(deps, sub, q));
  get('/api/fuel-logs', ListFuelLogsQuerySchema, FuelLogListSchema, (sub, q) => fuelLogs.listFuelLogs(deps, sub, q));
  get('/api/fuel-logs/stats', FuelStatsQuerySchema, FuelStatsSchema, (sub, q: { vehicleId: string }) => fuelLogs.getFuelStats(deps, sub, q.vehicleId));
  get('/api/stations/search', SearchQuerySchema, SearchResponseSchema, (sub, q) => stations.searchStations(deps, sub, q));
  get('/api/maintenance/upcoming', UpcomingQuery, UpcomingList, (sub, q) => maintenance.getUpcoming(deps, sub, q));
});

await app.listen({ port: config.PORT, host: config.HOST });
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void app.close().then(() => closeDeps(deps)).finally(() => process.exit(0));
  });
}

// A second reference for the benchmark: the floor's work on bare Fastify. Same deps, token cache, AJV
// query validators, services, SQL and cache calls as the floor (server.ts), the capsules' own response
// schemas (serialised as the production gateway does, src/http/response-serializer.ts), a pino logger at LOG_LEVEL like the
// gateway's, and nothing else: no helmet headers, rate limit, metrics, request context, flags or proxy.
// native vs this = what the gateway's own cross-cutting plugins cost; this vs the floor = Fastify's.
// Used by `node benchmarks/paired.ts` (variant kind `fastify-floor`).
import Fastify from 'fastify';
import { loadConfigOrExit } from '../../src/config/config.ts';
import { closeDeps, createDeps } from '../../src/infrastructure/deps.ts';
import { userOf } from '../../src/plugins/auth.ts'; // and its FastifyRequest.user declaration (AuthUser | null)
import { compileValidator } from '../../src/policy/validation.ts';
import { responseSerializerCompiler } from '../../src/http/response-serializer.ts';
import { cachedVerifier } from '../../src/policy/token-cache.ts';
import { FLOOR_READS } from './reads.ts';

const config = loadConfigOrExit();
const deps = createDeps(config, { warn: (obj, msg) => console.warn(msg, obj) });
const verify = cachedVerifier(deps.verifyToken);
const app = Fastify({ logger: { level: config.LOG_LEVEL }, routerOptions: { ignoreTrailingSlash: true } });
app.setValidatorCompiler(({ schema, httpPart }) => compileValidator(schema, httpPart));
app.setSerializerCompiler(responseSerializerCompiler(false)); // as the production gateway

app.decorateRequest('user', null);

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
  for (const r of FLOOR_READS) {
    api.get(r.path, { schema: { querystring: r.query, response: { 200: r.response } } }, (request) => r.call(deps, userOf(request).sub, request.query as Record<string, unknown>));
  }
});

await app.listen({ port: config.PORT, host: config.HOST });
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void app.close().then(() => closeDeps(deps)).finally(() => process.exit(0));
  });
}

// The replay worker's own Fastify instance: the capsules from the capsule registry plus what they need — the
// configuration, their own small PostgreSQL and Redis pools, token verification (a replay runs as the user
// the original request's token verifies to), validation, serialisation and the contract's errors. Nothing of
// the gateway: no routing by flag, rate limit, access log, metrics, guard windows or proxy.
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.ts';
import type { Capsule, CapsuleOptions } from '../../capsules/capsule.ts';
import { CAPSULES } from '../../capsules/registry.ts';
import { useContractJsonParser } from '../../capsules/contract-json-parser.ts';
import { prefixOf } from '../../../flags/registry.ts';
import { serverOptions } from '../../server-options.ts';
import { compileValidator } from '../../policy/validation.ts';
import { responseSerializerCompiler } from '../../http/response-serializer.ts';
import { configPlugin } from '../../plugins/config.ts';
import { authPlugin } from '../../plugins/auth.ts';
import { errorsPlugin } from '../../plugins/errors.ts';
import { createPool } from '../../db/pool.ts';
import { closeDeps, createCacheFor, createRedisFor, createStoreFor, createVerifierFor, type Deps } from '../../infrastructure/deps.ts';
import { refusingFetch } from './externals.ts';
import { SWAGGER_OPTIONS } from '../../contract/document.ts';

/** PostgreSQL connections of the replay: its runs are bounded by SHADOW_MAX_CONCURRENT and may queue. */
export const REPLAY_DB_POOL_MAX = 4;

const quiet = { warn: () => {} }; // a Redis outage is the gateway's to report; here it only means cache misses

/** The capsules' deps, with a provider client that never calls out (externals.ts). Named `deps` as the gateway's is. */
const replayDepsPlugin = fp(async (app) => {
  const c = app.config;
  const redis = createRedisFor(c);
  const deps: Deps = {
    config: c, db: createPool(c.DATABASE_URL, Math.min(REPLAY_DB_POOL_MAX, c.DB_POOL_MAX)), redis,
    cache: createCacheFor(redis, quiet, c.REDIS_KEY_PREFIX), store: createStoreFor(c), verifyToken: createVerifierFor(c), externalFetch: refusingFetch,
  };
  app.decorate('deps', deps);
  app.addHook('onClose', async () => closeDeps(deps));
}, { name: 'deps', dependencies: ['config'] });

/** Each capsule under its feature's prefix, encapsulated, as the gateway mounts it (without the backend constraint). */
const replayCapsulesPlugin = fp<{ capsules: readonly Capsule[] }>(async (app, { capsules }) => {
  for (const capsule of capsules) {
    await app.register(async (scope) => {
      useContractJsonParser(scope);
      await scope.register<CapsuleOptions>(capsule.plugin, { prefix: prefixOf(capsule.feature), deps: app.deps });
    });
  }
}, { name: 'replay-capsules', dependencies: ['deps', 'auth', 'errors'] });

export async function buildReplayApp(config: Config, capsules: readonly Capsule[] = CAPSULES): Promise<FastifyInstance> {
  // The gateway's request ids, URL handling and routing options; no logger (the replay's outcomes are the
  // shadow report, and a worker's log lines would cross into the gateway's thread) and no framework-error
  // answer (a proxied URL was already routable).
  const app = Fastify({ ...serverOptions(config), logger: false, frameworkErrors: undefined });
  app.setValidatorCompiler(({ schema, httpPart }) => compileValidator(schema, httpPart));
  app.setSerializerCompiler(responseSerializerCompiler(config.NODE_ENV !== 'production'));
  try {
    await app.register(configPlugin, { config });
    await app.register(replayDepsPlugin);
    await app.register(authPlugin);
    await app.register(errorsPlugin);
    // The contract Express's answers are checked against (contract-check.ts): built here from the same capsule
    // routes and options as the gateway's document, so the gateway's thread never builds it for the worker
    // (about 90 ms of its event loop at the first worker start) nor sends it.
    await app.register(swagger, SWAGGER_OPTIONS);
    // Dev fault injection (`make chaos`) reaches the native answers here too; loaded only when DEV_TOOLS is on.
    if (config.DEV_TOOLS) await app.register((await import('../../dev-tools/replay-faults.ts')).replayFaultsPlugin);
    await app.register(replayCapsulesPlugin, { capsules });
    await app.ready();
    await warmUp(app, capsules);
  } catch (err) {
    await app.close().catch(() => {});
    throw err;
  }
  return app;
}

/** A well-formed RS256 token no key verifies: checking it fetches the token keys (a JWKS URL) and fails. */
const KEY_FETCHING_TOKEN = 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.AA';

/**
 * Opens the pools' connections, fetches the token keys and runs each capsule's request path once (an
 * unauthenticated read: its 401) before the worker says it is ready, so the first samples do not each pay a
 * connection set-up, a key fetch and cold code while the gateway's budget slots wait for them.
 */
async function warmUp(app: FastifyInstance, capsules: readonly Capsule[]): Promise<void> {
  const { db, cache, verifyToken } = app.deps;
  await Promise.allSettled([
    ...Array.from({ length: REPLAY_DB_POOL_MAX }, () => db.query('SELECT 1')), cache.ping(), verifyToken(KEY_FETCHING_TOKEN),
  ]);
  for (const capsule of capsules) await app.inject({ method: 'GET', url: prefixOf(capsule.feature) });
}

// The gateway: builds the Fastify front door (server.ts listens). Every /api request goes either to the
// native capsule or through the proxy to the legacy app, decided per request from the flag store.
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config/config.ts';
import type { Capsule } from './capsules/capsule.ts';
import { loadCapsules } from './capsules/registry.ts';
import { compileValidator, type HttpPart } from './core/validation.ts';
import { requestIdFrom } from './core/request-id.ts';
import { AppError, badUrl } from './core/errors.ts';
import { postgresPlugin, redisPlugin, storagePlugin, depsPlugin } from './plugins/infrastructure.ts';
import { authPlugin } from './plugins/auth.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { securityPlugin } from './plugins/security.ts';
import { backendConstraint } from './routing/backend-constraint.ts';
import { registerLegacyProxy } from './routing/legacy-proxy.ts';
import { flagsRoutes } from './admin/flags-routes.ts';
import { healthRoutes } from './health/health-route.ts';
import { FlagStore } from '../flags/store.ts';
import { FEATURES, featureForPath, type FeatureDef } from '../flags/registry.ts';

declare module 'fastify' {
  interface FastifyInstance {
    flags: FlagStore;
  }
  interface FastifyRequest {
    feature: FeatureDef | undefined;
    backend: string;
  }
}

/**
 * JSON bodies for native routes: Fastify's own parser (prototype-poisoning checks) but only for UTF
 * charsets, as Express does; and no text/plain parser, so a text body is a 415 on both backends.
 * (Scoped to the capsules: the proxy has its own pass-through parsers.)
 */
function useContractJsonParser(scope: FastifyInstance) {
  const defaultJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const charset = /charset=([^;]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.trim().replace(/"/g, '').toLowerCase();
    if (charset && !charset.startsWith('utf-')) return done(new AppError('UNSUPPORTED_MEDIA_TYPE'), undefined);
    defaultJson(req, body as string, done);
  });
}

export interface BuildOptions {
  config: Config;
  /** Where the *_BACKEND flag variables are read from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Native capsules to mount (default: every capsule present in fastify-features/). */
  capsules?: Capsule[];
}

export async function buildApp({ config, env = process.env, capsules }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.LOG_LEVEL, base: { app: 'gateway' } },
    // One access line per request, with feature and backend, written by our onResponse hook.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true }, // as Express does by default
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Malformed HTTP never reaches a route: answer the contract's body and close.
    clientErrorHandler: (err, socket) => {
      if ((err as { code?: string }).code === 'ECONNRESET' || !socket.writable) return;
      const body = JSON.stringify(new AppError('VALIDATION_ERROR', 'Malformed HTTP request', []).toBody());
      socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    },
    frameworkErrors: (err, _request, reply) => {
      const e = err.code === 'FST_ERR_BAD_URL' ? badUrl() : new AppError('VALIDATION_ERROR', undefined, []);
      (reply as unknown as FastifyReply).code(e.status).header('x-request-id', _request.id).send(e.toBody());
    },
  });

  // No gateway route takes text; without this the proxy would buffer text bodies instead of streaming them.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(({ schema, httpPart }) => compileValidator(schema as object, (httpPart ?? 'body') as HttpPart));

  await app.register(fp(async (a) => { a.decorate('config', config); }, { name: 'config' }));
  await app.register(postgresPlugin);
  await app.register(redisPlugin);
  await app.register(storagePlugin);
  await app.register(depsPlugin);
  await app.register(authPlugin);
  await app.register(errorsPlugin);
  await app.register(metricsPlugin);
  await app.register(securityPlugin);

  const mounted = capsules ?? (await loadCapsules());
  const flags = new FlagStore(app.db, env, {
    syncIntervalMs: config.FLAG_SYNC_INTERVAL_MS,
    nativeFeatures: new Set(mounted.map((c) => c.feature)),
    onSyncError: (err) => app.log.warn({ err: (err as Error).message }, 'flag sync failed; keeping last known flags'),
    onChange: (feature, from, to) => {
      app.log.warn({ feature, from, to }, 'feature backend changed');
      app.metrics.flagChange(feature, to);
    },
  });
  app.decorate('flags', flags);
  app.addConstraintStrategy(backendConstraint(flags));
  app.addHook('onReady', async () => flags.start());
  app.addHook('onClose', async () => flags.stop());

  app.decorateRequest('feature', undefined);
  app.decorateRequest('backend', 'gateway');
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const feature = featureForPath(request.url);
    if (!feature) return;
    request.feature = feature;
    // The matched route's constraint says who serves it; an unmatched path falls back to the flag.
    request.backend = (request.routeOptions.config as { backend?: string }).backend ?? flags.backendOf(feature.name);
    reply.header('x-backend', request.backend);
  });
  // After the request id and backend headers are set, so a 429 carries them too.
  app.addHook('onRequest', app.rateLimit());
  app.addHook('onResponse', async (request, reply) => {
    const seconds = reply.elapsedTime / 1000;
    const feature = request.feature?.name ?? 'gateway';
    app.metrics.observe(feature, request.backend, request.method, reply.statusCode, seconds);
    if (request.log.level === 'info' || request.log.level === 'debug' || request.log.level === 'trace') {
      request.log.info({ method: request.method, url: request.url, status: reply.statusCode, feature, backend: request.backend, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    }
  });

  await app.register(healthRoutes, { flags });
  await app.register(flagsRoutes, { flags });

  await registerLegacyProxy(app, {
    upstream: config.LEGACY_URL,
    connectTimeoutMs: config.PROXY_CONNECT_TIMEOUT_MS,
    headersTimeoutMs: config.PROXY_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: config.PROXY_BODY_TIMEOUT_MS,
    onProxyError: (kind) => app.metrics.proxyError(kind),
  });

  for (const capsule of mounted) {
    const def = FEATURES.find((f) => f.name === capsule.feature)!;
    // Each capsule stays encapsulated; only this wrapper tags its routes as the "fastify" backend.
    await app.register(async (scope) => {
      useContractJsonParser(scope);
      scope.addHook('onRoute', (route) => {
        route.constraints = { ...route.constraints, backend: 'fastify' };
        route.config = { ...(route.config as object), backend: 'fastify' } as typeof route.config;
      });
      await scope.register(capsule.plugin, { prefix: def.prefix, deps: app.deps } as never);
    });
  }

  return app;
}

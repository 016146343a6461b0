// Tags every request with its id, its feature and the backend serving it, and says so in the response
// headers (`x-request-id`, `x-backend`) before anything else can answer (a 401 or 429 carries them too).
import fp from 'fastify-plugin';
import { featureForPath, type FeatureDef } from '../../flags/registry.ts';
import { servingBackend } from '../routing/serving-backend.ts';

declare module 'fastify' {
  interface FastifyRequest {
    feature: FeatureDef | null;
    backend: string;
  }
  interface FastifyContextConfig {
    /** Set on native capsule routes ("fastify") and on the legacy proxy route ("express"). */
    backend?: string;
  }
}

export const requestContextPlugin = fp(async (app) => {
  const hasLegacy = Boolean(app.config.LEGACY_URL);
  app.decorateRequest('feature', null);
  app.decorateRequest('backend', 'gateway');
  // Synchronous (`done`), like every per-request gateway hook: no Promise and no microtask per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    request.feature = featureForPath(request.url) ?? null;
    // The matched route says who serves it; an unmatched path falls back to the flag (servingBackend).
    const backend = request.routeOptions.config.backend ?? servingBackend(request.url, app.flags, hasLegacy, request.method);
    if (backend) {
      request.backend = backend;
      reply.header('x-backend', backend);
    }
    done();
  });
}, { name: 'request-context', dependencies: ['config', 'flags'] });

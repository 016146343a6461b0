// Tags every request with its id, its feature and the backend serving it, and says so in the response
// headers (`x-request-id`, `x-backend`) before anything else can answer (a 401 or 429 carries them too).
import fp from 'fastify-plugin';
import { featureForPath, type FeatureDef } from '../../flags/registry.ts';

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
  app.decorateRequest('feature', null);
  app.decorateRequest('backend', 'gateway');
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const feature = featureForPath(request.url);
    if (!feature) return;
    request.feature = feature;
    // The matched route says who serves it; an unmatched path falls back to the flag.
    request.backend = request.routeOptions.config.backend ?? app.flags.backendOf(feature.name);
    reply.header('x-backend', request.backend);
  });
}, { name: 'request-context', dependencies: ['flags'] });

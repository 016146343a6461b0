// Paths whose segments decode to `.`/`..` or contain a separator name no resource: 404 before anything
// else looks at them (authentication, the proxy, a capsule), the same answer the legacy app gives.
import fp from 'fastify-plugin';
import { routeNotFound } from '../policy/errors.ts';
import { hasTraversalSegment } from '../http/request-target.ts';

export const requestTargetPlugin = fp(async (app) => {
  // After request-context and security, so the 404 carries the request id, x-backend, helmet and rate-limit headers.
  app.addHook('onRequest', (request, _reply, done) => {
    done(hasTraversalSegment(request.url) ? routeNotFound(request.method, request.url) : undefined);
  });
}, { name: 'request-target', dependencies: ['request-context', 'security', 'errors'] });

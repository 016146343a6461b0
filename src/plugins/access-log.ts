// One access-log line and one metrics observation per request, with its feature and backend.
import fp from 'fastify-plugin';

const VERBOSE = new Set(['info', 'debug', 'trace']);

export const accessLogPlugin = fp(async (app) => {
  app.addHook('onResponse', async (request, reply) => {
    const feature = request.feature?.name ?? 'gateway';
    app.metrics.observe(feature, request.backend, request.method, reply.statusCode, reply.elapsedTime / 1000);
    if (VERBOSE.has(request.log.level)) {
      request.log.info({ method: request.method, url: request.url, status: reply.statusCode, feature, backend: request.backend, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    }
  });
}, { name: 'access-log', dependencies: ['metrics', 'request-context'] });

// One access-log line and one metrics observation per request, with its feature and backend, in the
// gateway's one onResponse hook; other per-response observers (the progressive window) join it through
// `app.observeResponse` instead of adding a hook (and a hook runner pass) of their own.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs `observer` after every answered request (synchronously; it must not throw). */
    observeResponse(observer: (request: FastifyRequest, reply: FastifyReply) => void): void;
  }
}

const VERBOSE = new Set(['info', 'debug', 'trace']);

export const accessLogPlugin = fp(async (app) => {
  const observers: Array<(request: FastifyRequest, reply: FastifyReply) => void> = [];
  app.decorate('observeResponse', (observer: (request: FastifyRequest, reply: FastifyReply) => void) => { observers.push(observer); });
  app.addHook('onResponse', (request, reply, done) => {
    const feature = request.feature?.name ?? 'gateway';
    app.metrics.observe(feature, request.backend, request.method, reply.statusCode, reply.elapsedTime / 1000);
    if (VERBOSE.has(request.log.level)) {
      request.log.info({ method: request.method, url: request.url, status: reply.statusCode, feature, backend: request.backend, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    }
    for (const observer of observers) observer(request, reply);
    done();
  });
}, { name: 'access-log', dependencies: ['metrics', 'request-context'] });

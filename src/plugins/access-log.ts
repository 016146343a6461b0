// One access-log line and one metrics observation per request, with its feature, backend and route
// template, in the gateway's one onResponse hook; other per-response observers (the progressive window) join
// it through `app.observeResponse` instead of adding a hook (and a hook runner pass) of their own.
// The logged URL has no query string (station searches carry a user's position) unless the route's
// config says `logQuery: true`.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RouteLabels } from '../routing/route-label.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs `observer` after every answered request (synchronously; it must not throw). */
    observeResponse(observer: (request: FastifyRequest, reply: FastifyReply) => void): void;
    /** The route template a request is counted under (src/routing/route-label.ts); valid once the app is ready. */
    routeLabel(request: FastifyRequest): string;
  }
  interface FastifyContextConfig {
    /** The route's query string holds nothing personal: the access log may write it. */
    logQuery?: boolean;
  }
}

const VERBOSE = new Set(['info', 'debug', 'trace']);

export const accessLogPlugin = fp(async (app) => {
  const observers: Array<(request: FastifyRequest, reply: FastifyReply) => void> = [];
  const routes = new RouteLabels();
  // `request.routeOptions` builds a new object on every read: read once, pass its config.
  const labelOf = (request: FastifyRequest, config: FastifyRequest['routeOptions']['config']) => routes.of({
    method: request.method,
    url: request.url,
    routeUrl: config.url,
    proxiedPrefix: config.backend === 'express' ? request.feature?.prefix ?? '/api' : undefined,
  });
  const routeLabel = (request: FastifyRequest) => labelOf(request, request.routeOptions.config);
  app.decorate('observeResponse', (observer: (request: FastifyRequest, reply: FastifyReply) => void) => { observers.push(observer); });
  app.decorate('routeLabel', routeLabel);
  app.addHook('onReady', async () => {
    // Mounted after this plugin: the capsules' routes are known once the app is ready.
    if (app.hasDecorator('nativeRoutes')) for (const r of app.nativeRoutes) routes.addNative(r.method, r.url);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const feature = request.feature?.name ?? 'gateway';
    const config = request.routeOptions.config;
    const route = labelOf(request, config);
    app.metrics.observe(feature, request.backend, route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    if (VERBOSE.has(request.log.level)) {
      const url = config.logQuery ? request.url : withoutQuery(request.url);
      request.log.info({ method: request.method, url, route, status: reply.statusCode, feature, backend: request.backend, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    }
    for (const observer of observers) observer(request, reply);
    done();
  });
}, { name: 'access-log', dependencies: ['metrics', 'request-context'] });

function withoutQuery(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

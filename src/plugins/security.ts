// helmet, CORS allow-list and a rate limit shared by every gateway instance through Redis
// (counted locally, synced every 100 ms: src/infrastructure/rate-limiter.ts, docs/rate-limit.md).
import fp from 'fastify-plugin';
import helmet from 'helmet';
import { Socket } from 'node:net';
import cors from '@fastify/cors';
import type { FastifyReply, HookHandlerDoneFunction } from 'fastify';
import { AppError } from '../policy/errors.ts';
import { http } from '../http/node-http.ts';
import { SharedRateLimiter, type Hit } from '../infrastructure/rate-limiter.ts';

/**
 * helmet's headers, computed once. @fastify/helmet rebuilds helmet's middleware chain on every request
 * (a measurable share of the gateway's CPU: docs/performance.md); with a static configuration the headers never change.
 */
export function helmetHeaders(): Record<string, string> {
  // Run helmet once against a real, unconnected request/response pair and keep what it set.
  const req = new http.IncomingMessage(new Socket());
  const res = new http.ServerResponse(req);
  helmet()(req, res, () => {});
  return Object.fromEntries(Object.entries(res.getHeaders()).map(([name, value]) => [name, String(value)]));
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Health probes and metrics scrapes: never rate-limited, an orchestrator must always reach them. */
    probe?: boolean;
  }
}

export const securityPlugin = fp(async (app) => {
  const c = app.config;
  const securityHeaders = Object.entries(helmetHeaders()); // [name, value] pairs: no keyed lookup per request
  // Before CORS (a preflight answer carries them too); synchronous: no Promise per request.
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of securityHeaders) reply.header(name, value);
    done();
  });
  const origins = c.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  // With no allowed origin @fastify/cors would only cost a hook per request and add nothing (like the
  // legacy app's cors({ origin: false })); a preflight is then the same 404 as any unrouted OPTIONS.
  if (origins.length) await app.register(cors, { origin: origins });
  const limiter = new SharedRateLimiter({ max: c.RATE_LIMIT_MAX, windowMs: c.RATE_LIMIT_WINDOW_MS, redis: app.redis, prefix: `${c.REDIS_KEY_PREFIX}mvp:ratelimit:` });
  app.addHook('onClose', async () => limiter.close());
  const limit = String(c.RATE_LIMIT_MAX);
  const apply = (hit: Hit, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const reset = Math.ceil(hit.ttlMs / 1000);
    reply.header('x-ratelimit-limit', limit);
    reply.header('x-ratelimit-remaining', Math.max(0, c.RATE_LIMIT_MAX - hit.current));
    reply.header('x-ratelimit-reset', reset);
    if (hit.current <= c.RATE_LIMIT_MAX) return done();
    reply.header('retry-after', reset);
    done(new AppError('RATE_LIMITED', `Rate limit exceeded, retry in ${reset} s`));
  };
  // Applied once, early, to every request (401s and 404s included) but the `probe` routes (health, metrics:
  // by route, so /health/live or a query string cannot slip through a URL comparison), after the
  // request id and backend headers are set (request-context), so a 429 carries them too. Keyed by the
  // client address (request.ip: the socket's peer, or the forwarded client when that peer is a TRUST_PROXY
  // load balancer). Far from the limit the hook is synchronous.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.probe === true) return done();
    const hit = limiter.hit(request.ip);
    if (hit instanceof Promise) hit.then((h) => apply(h, reply, done), done);
    else apply(hit, reply, done);
  });
}, { name: 'security', dependencies: ['config', 'redis', 'request-context'] });

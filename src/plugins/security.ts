// helmet, CORS allow-list and a rate limit shared by every gateway instance through Redis.
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { AppError } from '../core/errors.ts';

export const securityPlugin = fp(async (app) => {
  const c = app.config;
  await app.register(helmet, { global: true });
  const origins = c.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  await app.register(cors, { origin: origins.length ? origins : false });
  await app.register(rateLimit, {
    global: true,
    max: c.RATE_LIMIT_MAX,
    timeWindow: c.RATE_LIMIT_WINDOW_MS,
    redis: app.redis ?? undefined, // shared counters across instances; per-instance memory without Redis
    nameSpace: 'mvp:ratelimit:',
    skipOnError: true, // Redis down must not block traffic
    allowList: (request) => request.url === '/health' || request.url === '/metrics',
    errorResponseBuilder: (_request, context) => {
      const e = new AppError('RATE_LIMITED', `Rate limit exceeded, retry in ${Math.ceil(context.ttl / 1000)} s`);
      return Object.assign(e, { statusCode: 429 });
    },
  });
}, { name: 'security', dependencies: ['config', 'redis'] });

// GET /health: features with their backend, and every dependency up/down/unused. 503 when PostgreSQL is
// down, or with status "draining" once shutdown began (readiness). GET /health/live: the process answers
// (liveness; no dependency checks, 200 while draining, so an outage or a drain never restarts it).
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { pingDb } from '../db/pool.ts';
import { HEALTH_PING_MS } from '../infrastructure/deadline.ts';
import { clientFor } from '../http/node-http.ts';

type DepState = 'up' | 'down' | 'unused' | 'disabled';

const Dependency = Type.String({ enum: ['up', 'down', 'unused', 'disabled'] });
const HealthSchema = Type.Object({
  status: Type.String({ enum: ['ok', 'degraded', 'down', 'draining'] }),
  features: Type.Record(Type.String(), Type.Object({ backend: Type.String({ enum: ['express', 'fastify'] }), source: Type.String() })),
  dependencies: Type.Object({ postgres: Dependency, redis: Dependency, storage: Dependency, legacy: Dependency }),
}, { description: 'Readiness: 503 while PostgreSQL is down or the gateway is draining' });
const HEALTH = { summary: 'Readiness: features and dependencies', response: { 200: HealthSchema, 503: HealthSchema } };
const LIVE = { summary: 'Liveness (no dependency checks)', response: { 200: Type.Object({ status: Type.String({ enum: ['ok'] }) }) } };

/** The legacy app answers GET /health within the deadline (with node:http: fetch would load Node's bundled undici, src/http/node-http.ts). */
function legacyUp(url: string): Promise<boolean> {
  const target = new URL('/health', url);
  return new Promise((resolve) => {
    const req = clientFor(target).get(target, { signal: AbortSignal.timeout(HEALTH_PING_MS) }, (res) => {
      res.resume();
      const status = res.statusCode ?? 500;
      resolve(status < 500 || status === 503); // a 503 from legacy still proves the process answers
    });
    req.on('error', () => resolve(false));
  });
}

export async function healthRoutes(app: FastifyInstance) {
  app.get('/health', { schema: HEALTH, config: { rateLimit: false } }, async (_request, reply) => {
    const states = app.flags.all();
    const legacyInUse = states.some((s) => s.backend === 'express');
    const [pg, redis, storage, legacy] = await Promise.all([
      pingDb(app.db),
      app.redis ? app.cache.ping() : null,
      app.store ? app.store.ping() : null,
      legacyInUse ? (app.config.LEGACY_URL ? legacyUp(app.config.LEGACY_URL) : false) : null,
    ]);
    const dependencies: Record<string, DepState> = {
      postgres: pg ? 'up' : 'down',
      redis: redis === null ? 'disabled' : redis ? 'up' : 'down',
      storage: storage === null ? 'disabled' : storage ? 'up' : 'down',
      legacy: legacy === null ? 'unused' : legacy ? 'up' : 'down',
    };
    const draining = app.draining === true;
    const status = draining ? 'draining' : !pg ? 'down' : Object.values(dependencies).includes('down') ? 'degraded' : 'ok';
    reply.code(pg && !draining ? 200 : 503);
    return {
      status,
      features: Object.fromEntries(states.map((s) => [s.feature, { backend: s.backend, source: s.source }])),
      dependencies,
    };
  });
  app.get('/health/live', { schema: LIVE, config: { rateLimit: false } }, async () => ({ status: 'ok' }));
}

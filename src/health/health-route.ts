// GET /health: features with their backend, and every dependency up/down/unused. 503 only when
// PostgreSQL is down; "degraded" when anything else in use is down.
import type { FastifyInstance } from 'fastify';
import { pingDb } from '../db/pool.ts';

type DepState = 'up' | 'down' | 'unused' | 'disabled';

async function legacyUp(url: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.status < 500 || res.status === 503; // a 503 from legacy still proves the process answers
  } catch {
    return false;
  }
}

export async function healthRoutes(app: FastifyInstance) {
  app.get('/health', { config: { rateLimit: false } }, async (_request, reply) => {
    const states = app.flags.all();
    const legacyInUse = states.some((s) => s.backend === 'express');
    const [pg, redis, storage, legacy] = await Promise.all([
      pingDb(app.db),
      app.redis ? app.cache.ping() : null,
      app.store ? app.store.ping() : null,
      legacyInUse ? legacyUp(app.config.LEGACY_URL) : null,
    ]);
    const dependencies: Record<string, DepState> = {
      postgres: pg ? 'up' : 'down',
      redis: redis === null ? 'disabled' : redis ? 'up' : 'down',
      storage: storage === null ? 'disabled' : storage ? 'up' : 'down',
      legacy: legacy === null ? 'unused' : legacy ? 'up' : 'down',
    };
    const status = !pg ? 'down' : Object.values(dependencies).includes('down') ? 'degraded' : 'ok';
    reply.code(pg ? 200 : 503);
    return {
      status,
      features: Object.fromEntries(states.map((s) => [s.feature, { backend: s.backend, source: s.source }])),
      dependencies,
    };
  });
}

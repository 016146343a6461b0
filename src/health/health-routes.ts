// The gateway's three health answers (semantics in deploy/README.md, "Probes"):
// - GET /health/live: the process answers (liveness). No dependency check, 200 while draining, so neither
//   an outage nor a drain ever restarts it.
// - GET /health/ready: this instance can serve (readiness): flags loaded, listening, not draining. No
//   dependency check either: PostgreSQL, Redis, storage and the legacy app are shared by every replica, so
//   failing readiness on them would take every replica out of the Service at once, cached reads, the web
//   app and the features that do not need the failing dependency included.
// - GET /health: for people and monitoring. Pings every dependency; 503 when PostgreSQL is down or the
//   instance is draining. Strangers get the status word only; an admin:flags token also gets the flags
//   and each dependency's state (src/health/health-detail.ts).
// All three are `probe` routes: never rate-limited (src/plugins/security.ts).
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { pingDb } from '../db/pool.ts';
import { HEALTH_PING_MS } from '../infrastructure/deadline.ts';
import { httpStatus } from '../http/node-http.ts';
import { showsDetail } from './health-detail.ts';

type DepState = 'up' | 'down' | 'unused' | 'disabled';

const Dependency = Type.String({ enum: ['up', 'down', 'unused', 'disabled'] });
// Strangers get the status word only; the features and dependencies are there for an admin:flags token.
const HealthSchema = Type.Object({
  status: Type.String({ enum: ['ok', 'degraded', 'down', 'draining'] }),
  features: Type.Optional(Type.Record(Type.String(), Type.Object({ backend: Type.String({ enum: ['express', 'fastify'] }), source: Type.String() }))),
  dependencies: Type.Optional(Type.Object({ postgres: Dependency, redis: Dependency, storage: Dependency, legacy: Dependency })),
}, { description: '503 while PostgreSQL is down or the gateway is draining; detail only for an admin:flags token' });
const HEALTH = { summary: 'Dependencies and features (detail for admins)', response: { 200: HealthSchema, 503: HealthSchema } };
const LIVE = { summary: 'Liveness (no dependency checks)', response: { 200: Type.Object({ status: Type.String({ enum: ['ok'] }) }) } };
const ReadySchema = Type.Object({ status: Type.String({ enum: ['ready', 'starting', 'draining'] }) });
const READY = { summary: 'Readiness: this instance can serve (no shared-dependency check)', response: { 200: ReadySchema, 503: ReadySchema } };

/** The legacy app answers GET /health/live within the deadline (any answer below 500 proves the process serves). */
async function legacyUp(url: string): Promise<boolean> {
  const status = await httpStatus(new URL('/health/live', url), 'GET', HEALTH_PING_MS);
  return status !== null && status < 500;
}

export async function healthRoutes(app: FastifyInstance) {
  let flagsLoaded = false;
  // Registered after the flags plugin: its onReady (the first flag load) has completed when this one runs.
  app.addHook('onReady', async () => { flagsLoaded = true; });

  app.get('/health/live', { schema: LIVE, config: { probe: true } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: READY, config: { probe: true } }, async (_request, reply) => {
    const status = app.draining ? 'draining' : !flagsLoaded || !app.server.listening ? 'starting' : 'ready';
    reply.code(status === 'ready' ? 200 : 503);
    return { status };
  });

  app.get('/health', { schema: HEALTH, config: { probe: true } }, async (request, reply) => {
    const states = app.flags.all();
    const legacyInUse = states.some((s) => s.backend === 'express');
    const [pg, redis, storage, legacy, detail] = await Promise.all([
      pingDb(app.db),
      app.redis ? app.cache.ping() : null,
      app.store ? app.store.ping() : null,
      legacyInUse ? (app.config.LEGACY_URL ? legacyUp(app.config.LEGACY_URL) : false) : null,
      showsDetail(app.deps.verifyToken, request.headers.authorization),
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
    if (!detail) return { status };
    return {
      status,
      features: Object.fromEntries(states.map((s) => [s.feature, { backend: s.backend, source: s.source }])),
      dependencies,
    };
  });
}

// Development fault injection (`make chaos FEATURE=vehicles ERRORS=30 LATENCY_MS=200`): makes the NATIVE
// path of a feature answer an injected 500 for ERRORS % of its requests and/or wait LATENCY_MS first, so
// the guard can be watched rolling a canary back. State shared by every instance (PostgreSQL + NOTIFY).
// Registered only by the dev-tools plugin, i.e. only with DEV_TOOLS (only with NODE_ENV development or test).
//   GET /dev/chaos · PUT /dev/chaos/:feature { errors, latencyMs, mutate? } · DELETE /dev/chaos/:feature|all
import fp from 'fastify-plugin';
import { setTimeout as sleep } from 'node:timers/promises';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../policy/errors.ts';
import { userOf } from '../plugins/auth.ts';
import { requireAdmin } from '../admin/admin-auth.ts';
import { targets } from '../admin/flags-routes.ts';
import { CHAOS_CHANNEL, ChaosStore } from '../progressive/chaos.ts';
import { markHandled } from '../progressive/evidence.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Dev only: the injected faults (the shadow comparison reads `mutate`). */
    chaos: ChaosStore;
  }
}

const FaultBody = Type.Object({
  errors: Type.Integer({ minimum: 0, maximum: 100 }),
  latencyMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
  mutate: Type.Optional(Type.Unknown()),
}, { additionalProperties: false });

export const chaosPlugin = fp(async (app) => {
  const chaos = new ChaosStore(app.db);
  app.decorate('chaos', chaos);
  app.flagPush.listen(CHAOS_CHANNEL, () => chaos.reload());
  // Polling as the fallback, as for the flags.
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    await chaos.reload();
    timer = setInterval(() => void chaos.reload().catch(() => {}), 1000);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));

  // After authentication and validation, standing in for the feature's handler: an injected fault is what the
  // handler answered, so it counts as evidence (src/progressive/evidence.ts) exactly like a real failure.
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.config.backend !== 'fastify' || !request.feature) return;
    const fault = chaos.faultOf(request.feature.name);
    if (!fault) return;
    markHandled(request);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.errors > 0 && Math.random() * 100 < fault.errors) throw new AppError('INTERNAL_ERROR', 'Injected fault (make chaos)');
  });

  await app.register(async (scope) => {
    requireAdmin(scope);
    scope.get('/dev/chaos', async () => ({ faults: chaos.all() }));
    scope.put<{ Params: { feature: string }; Body: Static<typeof FaultBody> }>('/dev/chaos/:feature',
      { schema: { params: Type.Object({ feature: Type.String({ maxLength: 64 }) }), body: FaultBody } }, async (request) => {
        if (request.params.feature === 'all') throw new AppError('NOT_FOUND', 'Faults are injected per feature');
        const [feature] = targets(request.params.feature);
        await chaos.set(feature, request.body);
        request.log.warn({ feature, ...request.body, by: userOf(request).sub }, 'fault injection set (dev)');
        return { faults: chaos.all() };
      });
    scope.delete<{ Params: { feature: string } }>('/dev/chaos/:feature', async (request) => {
      await chaos.clear(targets(request.params.feature));
      request.log.warn({ feature: request.params.feature, by: userOf(request).sub }, 'fault injection cleared (dev)');
      return { faults: chaos.all() };
    });
  });
}, { name: 'chaos', dependencies: ['postgres', 'auth', 'flag-push', 'request-context', 'errors'] });

// Development fault injection (`make chaos`) inside the shadow replay worker, whose capsule instance is not
// the gateway's: the same faults (src/progressive/chaos.ts: latency, injected 500s, a corrupted field) applied
// to the native answers the replay compares. Loaded by src/shadow/worker/replay-app.ts only when DEV_TOOLS is on.
import fp from 'fastify-plugin';
import { setTimeout as sleep } from 'node:timers/promises';
import { featureForPath } from '../../flags/registry.ts';
import { AppError } from '../policy/errors.ts';
import { ChaosStore } from '../progressive/chaos.ts';
import { mutateField } from './mutate.ts';

export const replayFaultsPlugin = fp(async (app) => {
  const chaos = new ChaosStore(app.deps.db);
  app.addHook('onRequest', async (request) => {
    const feature = featureForPath(request.url);
    if (!feature) return;
    // Read before every replay (dev only): a fault set just before a request applies to its replay, with no race.
    await chaos.reload();
    const fault = chaos.faultOf(feature.name);
    if (!fault) return;
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.errors > 0 && Math.random() * 100 < fault.errors) throw new AppError('INTERNAL_ERROR', 'Injected fault (make chaos)');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const feature = featureForPath(request.url);
    const field = feature && chaos.faultOf(feature.name)?.mutate;
    if (typeof field !== 'string' || typeof payload !== 'string' || !/json/.test(String(reply.getHeader('content-type')))) return payload;
    const body: unknown = JSON.parse(payload);
    return mutateField(body, field) ? JSON.stringify(body) : payload;
  });
}, { name: 'replay-faults', dependencies: ['deps'] });

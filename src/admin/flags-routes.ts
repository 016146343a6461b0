// GET/PUT/DELETE /admin/flags[/:feature]: read and change the runtime overrides (permission admin:flags).
// `:feature` may be `all` — the global "everything back to express" switch is PUT /admin/flags/all.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { BACKENDS, FEATURE_NAMES, isFeatureName, type Backend, type FeatureName } from '../../flags/registry.ts';
import { AppError } from '../core/errors.ts';
import { requirePermission } from '../core/auth.ts';
import { userOf } from '../plugins/auth.ts';

const FeatureParams = Type.Object({ feature: Type.String({ maxLength: 64 }) });
const SetBody = Type.Object({ backend: Type.Union(BACKENDS.map((b) => Type.Literal(b))) }, { additionalProperties: false });

export async function flagsRoutes(app: FastifyInstance) {
  const { flags } = app;

  app.addHook('onRequest', async (request: FastifyRequest) => {
    await app.authenticate(request);
    requirePermission(userOf(request), 'admin:flags');
  });

  const view = async () => ({ features: Object.fromEntries(flags.all().map((s) => [s.feature, s])), audit: await flags.audit(20) });

  function targets(feature: string): FeatureName[] {
    if (feature === 'all') return [...FEATURE_NAMES];
    if (!isFeatureName(feature)) throw new AppError('NOT_FOUND', `Unknown feature "${feature}"`);
    return [feature];
  }

  app.get('/admin/flags', async () => view());

  app.put<{ Params: { feature: string }; Body: { backend: Backend } }>('/admin/flags/:feature',
    { schema: { params: FeatureParams, body: SetBody } }, async (request) => {
      const features = targets(request.params.feature);
      const { backend } = request.body;
      for (const f of features) {
        if (!flags.canServe(f, backend)) throw new AppError('CONFLICT', `Feature "${f}" has no native capsule; it can only run on express`);
      }
      await flags.set(features, backend, userOf(request).sub);
      request.log.warn({ features, backend, by: userOf(request).sub }, 'flag override set');
      return view();
    });

  app.delete<{ Params: { feature: string } }>('/admin/flags/:feature', { schema: { params: FeatureParams } }, async (request) => {
    const features = targets(request.params.feature);
    await flags.clear(features, userOf(request).sub);
    request.log.warn({ features, by: userOf(request).sub }, 'flag override cleared');
    return view();
  });
}

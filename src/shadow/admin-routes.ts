// GET /admin/shadow[/:feature] (the shadow report across every instance) and DELETE /admin/shadow[/:feature]
// (reset). Permission admin:flags: the examples hold user data (docs/shadow.md: retention).
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { FEATURE_NAMES, isFeatureName, type FeatureName } from '../../flags/registry.ts';
import { AppError } from '../policy/errors.ts';
import { requireAdmin } from '../admin/admin-auth.ts';
import { userOf } from '../plugins/auth.ts';
import type { ShadowService } from './service.ts';
import { ShadowViewSchema, adminErrors } from '../admin/admin-schemas.ts';

const FeatureParams = Type.Object({ feature: Type.String({ maxLength: 64 }) });

function featureOf(name: string): FeatureName {
  if (!isFeatureName(name)) throw new AppError('NOT_FOUND', `Unknown feature "${name}"`);
  return name;
}

export async function shadowAdminRoutes(app: FastifyInstance, { shadow }: { shadow: ShadowService }) {
  requireAdmin(app);

  const all = async () => {
    const features: Record<string, unknown> = {};
    for (const f of FEATURE_NAMES) features[f] = { stage: app.flags.stageOf(f), shadowRate: app.flags.state(f).shadowRate, ...(await shadow.report(f)) };
    return { features, settings: shadow.settings, replay: await shadow.replayState() };
  };

  app.get('/admin/shadow', { schema: { summary: 'Shadow results of every feature', response: { 200: ShadowViewSchema, ...adminErrors() } } }, async () => all());

  app.get<{ Params: { feature: string } }>('/admin/shadow/:feature', {
    schema: { summary: 'Shadow results of one feature', params: FeatureParams, response: { 200: ShadowViewSchema, ...adminErrors(400) } },
  }, async (request) => {
    const f = featureOf(request.params.feature);
    return { stage: app.flags.stageOf(f), shadowRate: app.flags.state(f).shadowRate, ...(await shadow.report(f)) };
  });

  app.delete('/admin/shadow', { schema: { summary: 'Reset every feature\'s shadow results', response: { 200: ShadowViewSchema, ...adminErrors() } } }, async (request) => {
    await shadow.reset(FEATURE_NAMES);
    request.log.warn({ by: userOf(request).sub }, 'shadow results reset (all features)');
    return all();
  });

  app.delete<{ Params: { feature: string } }>('/admin/shadow/:feature', {
    schema: { summary: 'Reset one feature\'s shadow results', params: FeatureParams, response: { 200: ShadowViewSchema, ...adminErrors(400) } },
  }, async (request) => {
    const f = featureOf(request.params.feature);
    await shadow.reset([f]);
    request.log.warn({ feature: f, by: userOf(request).sub }, 'shadow results reset');
    return shadow.report(f);
  });
}

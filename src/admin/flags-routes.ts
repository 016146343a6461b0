// GET/PUT/DELETE /admin/flags[/:feature]: read and change each feature's stage (docs/admin-api.md).
// `:feature` may be `all` — the global "everything back to express" switch is PUT /admin/flags/all
// (fastify is accepted too: every feature at once, each through its own shadow gate).
// Bad input → 400 naming the field, unknown feature → 404, a stage without a native capsule → 409;
// in every case nothing changes (the store validates every feature before it writes any).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { BACKENDS, FEATURE_NAMES, STAGES, isFeatureName, type FeatureName } from '../../flags/registry.ts';
import { FlagConflictError, FlagInputError, type StageChange } from '../../flags/store.ts';
import { AppError, validationError } from '../policy/errors.ts';
import { userOf } from '../plugins/auth.ts';
import { requireAdmin } from './admin-auth.ts';
import { flagsView } from './flag-view.ts';
import { FlagsViewSchema, adminErrors } from './admin-schemas.ts';
import type { GateFigures } from '../shadow/gate.ts';

const FeatureParams = Type.Object({ feature: Type.String({ maxLength: 64 }) });
const Percent = Type.Integer({ minimum: 0, maximum: 100 });
const SetBody = Type.Object({
  stage: Type.Optional(Type.Union(STAGES.map((s) => Type.Literal(s)))),
  backend: Type.Optional(Type.Union(BACKENDS.map((b) => Type.Literal(b)))),
  percent: Type.Optional(Percent),
  shadowRate: Type.Optional(Percent),
  force: Type.Optional(Type.Boolean()),
  reason: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
type SetBody = Static<typeof SetBody>;

export function targets(feature: string): FeatureName[] {
  if (feature === 'all') return [...FEATURE_NAMES];
  if (!isFeatureName(feature)) throw new AppError('NOT_FOUND', `Unknown feature "${feature}"`);
  return [feature];
}

/** The store's typed refusals as the contract's errors. */
export function asHttpError(err: unknown): unknown {
  if (err instanceof FlagInputError) return validationError(err.field, err.message);
  if (err instanceof FlagConflictError) return new AppError('CONFLICT', err.message);
  return err;
}

function changeOf(feature: string, body: SetBody): StageChange {
  if (body.stage !== undefined && body.backend !== undefined) throw validationError('backend', 'send either stage or backend, not both');
  const stage = body.stage ?? body.backend;
  if (stage === undefined) throw validationError('stage', 'is required');
  // `all` moves every feature at once: back to express (the global rollback) or, where gates allow, to fastify.
  if (feature === 'all' && stage !== 'express' && stage !== 'fastify') throw validationError('stage', 'only express or fastify are allowed for all');
  if (body.force !== undefined && stage !== 'fastify' && stage !== 'canary') throw validationError('force', 'is only allowed with stage canary or fastify');
  return { stage, percent: body.percent, shadowRate: body.shadowRate };
}

export async function flagsRoutes(app: FastifyInstance) {
  const { flags } = app;
  requireAdmin(app);

  app.get('/admin/flags', { schema: { summary: 'Every feature\'s stage, guard, ramp and the audit trail', response: { 200: FlagsViewSchema, ...adminErrors() } } }, async () => flagsView(app));

  app.put<{ Params: { feature: string }; Body: SetBody }>('/admin/flags/:feature',
    { schema: { summary: 'Move a feature (or all) to a stage', params: FeatureParams, body: SetBody, response: { 200: FlagsViewSchema, ...adminErrors(400, 413, 415) } } }, async (request) => {
      const features = targets(request.params.feature);
      const change = changeOf(request.params.feature, request.body);
      const who = userOf(request).sub;
      const force = request.body.force === true;
      let shadowGate: GateFigures | undefined;
      try {
        for (const f of features) flags.resolve(f, change); // bad input is a 400 before any gate
      } catch (err) {
        throw asHttpError(err);
      }
      // Leaving shadow for canary/fastify: 409 with the figures unless forced (docs/shadow.md).
      for (const f of features) shadowGate = (await app.shadow.gate(f, flags.stageOf(f), change.stage, force)).figures ?? shadowGate;
      const details = request.body.reason || shadowGate ? { ...(request.body.reason ? { note: request.body.reason } : {}), ...(shadowGate ? { shadowGate } : {}) } : undefined;
      try {
        await flags.setStage(features, change, { who, reason: force ? 'forced' : 'manual', details });
      } catch (err) {
        throw asHttpError(err);
      }
      request.log.warn({ features, ...change, by: who }, 'flag override set');
      return flagsView(app);
    });

  app.delete<{ Params: { feature: string } }>('/admin/flags/:feature', {
    schema: { summary: 'Drop the runtime override (back to the env value)', params: FeatureParams, response: { 200: FlagsViewSchema, ...adminErrors(400) } },
  }, async (request) => {
    const features = targets(request.params.feature);
    await flags.clear(features, userOf(request).sub);
    request.log.warn({ features, by: userOf(request).sub }, 'flag override cleared');
    return flagsView(app);
  });
}

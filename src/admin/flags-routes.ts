// GET/PUT/DELETE /admin/flags[/:feature]: read and change each feature's rollout (docs/admin-api.md).
// `ops` says which side a change applies to (reads: GET/HEAD, writes: the rest; both by default).
// `:feature` may be `all` — the global "everything back to express" switch is PUT /admin/flags/all
// (fastify is accepted too: every feature at once, each through its own shadow gate).
// Every change is a command to the rollout model (flags/rollout-model.ts), decided on the locked row:
// bad input → 400 naming the field, unknown feature → 404, a move the model refuses → 409 with the
// reason, PostgreSQL or Redis down → 503 naming it; in every case nothing changes.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { BACKENDS, FEATURE_NAMES, STAGES, isFeatureName, type FeatureName } from '../../flags/registry.ts';
import { SIDES, type Side } from '../../flags/operations.ts';
import type { Command } from '../../flags/rollout-model.ts';
import { AppError, validationError } from '../policy/errors.ts';
import { userOf } from '../plugins/auth.ts';
import { gateCheck } from '../shadow/gate.ts';
import { requireAdmin } from './admin-auth.ts';
import { flagsView } from './flag-view.ts';
import { asHttpError } from './refusal.ts';
import { FlagsViewSchema, adminErrors } from './admin-schemas.ts';

const FeatureParams = Type.Object({ feature: Type.String({ maxLength: 64 }) });
const Percent = Type.Integer({ minimum: 0, maximum: 100 });
export const Ops = Type.Union([Type.Literal('reads'), Type.Literal('writes'), Type.Literal('both')]);
const SetBody = Type.Object({
  stage: Type.Optional(Type.Union(STAGES.map((s) => Type.Literal(s)))),
  backend: Type.Optional(Type.Union(BACKENDS.map((b) => Type.Literal(b)))),
  percent: Type.Optional(Percent),
  shadowRate: Type.Optional(Percent),
  ops: Type.Optional(Ops),
  force: Type.Optional(Type.Boolean()),
  reason: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
type SetBody = Static<typeof SetBody>;

export function targets(feature: string): FeatureName[] {
  if (feature === 'all') return [...FEATURE_NAMES];
  if (!isFeatureName(feature)) throw new AppError('NOT_FOUND', `Unknown feature "${feature}"`);
  return [feature];
}

export const sidesOf = (ops: Static<typeof Ops> | undefined): Side[] => (ops === undefined || ops === 'both' ? [...SIDES] : [ops]);

function commandOf(feature: string, body: SetBody): Command {
  if (body.stage !== undefined && body.backend !== undefined) throw validationError('backend', 'send either stage or backend, not both');
  const stage = body.stage ?? body.backend;
  if (stage === undefined) throw validationError('stage', 'is required');
  // `all` moves every feature at once: back to express (the global rollback) or, where gates allow, to fastify.
  if (feature === 'all' && stage !== 'express' && stage !== 'fastify') throw validationError('stage', 'only express or fastify are allowed for all');
  return { kind: 'set', ops: sidesOf(body.ops), stage, percent: body.percent, shadowRate: body.shadowRate, force: body.force };
}

export async function flagsRoutes(app: FastifyInstance) {
  const { flags } = app;
  requireAdmin(app);

  app.get('/admin/flags', { schema: { summary: 'Every feature\'s stage, guard, ramp and the audit trail', response: { 200: FlagsViewSchema, ...adminErrors() } } }, async () => flagsView(app));

  app.put<{ Params: { feature: string }; Body: SetBody }>('/admin/flags/:feature',
    { schema: { summary: 'Move a feature (or all) to a stage', params: FeatureParams, body: SetBody, response: { 200: FlagsViewSchema, ...adminErrors(400, 413, 415) } } }, async (request) => {
      const features = targets(request.params.feature);
      const command = commandOf(request.params.feature, request.body);
      const who = userOf(request).sub;
      try {
        await flags.apply(features, command, { who, note: request.body.reason }, gateCheck(app.shadow));
      } catch (err) {
        throw asHttpError(err);
      }
      request.log.warn({ features, command, by: who }, 'rollout changed');
      return flagsView(app);
    });

  app.delete<{ Params: { feature: string } }>('/admin/flags/:feature', {
    schema: { summary: 'Drop the runtime override (back to the env value)', params: FeatureParams, response: { 200: FlagsViewSchema, ...adminErrors(400) } },
  }, async (request) => {
    const features = targets(request.params.feature);
    try {
      await flags.apply(features, { kind: 'clear' }, { who: userOf(request).sub }, gateCheck(app.shadow));
    } catch (err) {
      throw asHttpError(err);
    }
    request.log.warn({ features, by: userOf(request).sub }, 'flag override cleared');
    return flagsView(app);
  });
}

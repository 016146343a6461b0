// Ramps and live figures (docs/admin-api.md): POST /admin/flags/:feature/ramp starts an automatic ramp of
// the sides in `ops` (both by default; canary at the first step now, the leader advances it),
// …/ramp/pause|resume|abort; GET /admin/live reads the shared window (every instance's traffic). Abort
// puts the ramped sides back on express. Each is one command to the rollout model.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { RampPlan } from '../../flags/rollout-model.ts';
import { AppError, validationError } from '../policy/errors.ts';
import { userOf } from '../plugins/auth.ts';
import { liveView } from '../progressive/live.ts';
import { RampPlanError, validatePlan } from '../progressive/ramp.ts';
import { gateCheck } from '../shadow/gate.ts';
import { requireAdmin } from './admin-auth.ts';
import { Ops, sidesOf, targets } from './flags-routes.ts';
import { flagsView } from './flag-view.ts';
import { asHttpError } from './refusal.ts';
import { FlagsViewSchema, LiveViewSchema, adminErrors } from './admin-schemas.ts';

const FeatureParams = Type.Object({ feature: Type.String({ maxLength: 64 }) });
const RampBody = Type.Object({
  steps: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), { minItems: 1, maxItems: 20 })),
  dwellSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  minRequests: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  ops: Type.Optional(Ops),
}, { additionalProperties: false });
type RampBody = Static<typeof RampBody>;

const ACTIONS = ['pause', 'resume', 'abort'] as const;

function oneFeature(name: string) {
  if (name === 'all') throw new AppError('NOT_FOUND', 'A ramp is per feature; "all" is not a feature');
  return targets(name)[0];
}

export async function progressiveRoutes(app: FastifyInstance) {
  const { flags } = app;
  requireAdmin(app);

  app.post<{ Params: { feature: string }; Body: RampBody | undefined }>('/admin/flags/:feature/ramp',
    { schema: { summary: 'Start a guarded ramp', params: FeatureParams, body: RampBody, response: { 200: FlagsViewSchema, ...adminErrors(400, 413, 415) } } }, async (request) => {
      const feature = oneFeature(request.params.feature);
      let plan: RampPlan;
      try {
        plan = validatePlan(request.body ?? {}, { dwellSeconds: app.config.RAMP_DWELL_SECONDS, minRequests: app.config.RAMP_MIN_REQUESTS }, app.progressive.thresholds.minRequests);
      } catch (err) {
        if (err instanceof RampPlanError) throw validationError(err.field, err.message);
        throw err;
      }
      const who = userOf(request).sub;
      const ops = sidesOf(request.body?.ops);
      try {
        await flags.apply([feature], { kind: 'ramp-start', ops, plan, who }, { who }, gateCheck(app.shadow));
      } catch (err) {
        throw asHttpError(err);
      }
      request.log.warn({ feature, ops, ...plan, by: who }, 'ramp started');
      return flagsView(app);
    });

  app.post<{ Params: { feature: string; action: (typeof ACTIONS)[number] } }>('/admin/flags/:feature/ramp/:action',
    {
      schema: {
        summary: 'Pause, resume or abort a ramp',
        params: Type.Object({ feature: Type.String({ maxLength: 64 }), action: Type.Union(ACTIONS.map((a) => Type.Literal(a))) }),
        response: { 200: FlagsViewSchema, ...adminErrors(400) },
      },
    },
    async (request) => {
      const feature = oneFeature(request.params.feature);
      const { action } = request.params;
      const who = userOf(request).sub;
      try {
        await flags.apply([feature], { kind: `ramp-${action}` }, { who });
      } catch (err) {
        throw asHttpError(err);
      }
      request.log.warn({ feature, action, by: who }, 'ramp changed');
      return flagsView(app);
    });

  app.get('/admin/live', { schema: { summary: 'Live figures per feature and backend, across every instance', response: { 200: LiveViewSchema, ...adminErrors() } } }, async () => liveView(app.sharedWindow));
}

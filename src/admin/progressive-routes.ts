// Ramps and live figures (docs/admin-api.md): POST /admin/flags/:feature/ramp starts an automatic ramp
// (canary at the first step now; the leader advances it), …/ramp/pause|resume|abort; GET /admin/live
// reads the shared window (every instance's traffic). Abort rolls the feature back to express.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError, validationError } from '../policy/errors.ts';
import { userOf } from '../plugins/auth.ts';
import { liveView } from '../progressive/live.ts';
import { RampPlanError, validatePlan, type RampPlan, type RampState } from '../progressive/ramp.ts';
import { requireAdmin } from './admin-auth.ts';
import { asHttpError, targets } from './flags-routes.ts';
import { flagsView } from './flag-view.ts';
import { FlagsViewSchema, LiveViewSchema, adminErrors } from './admin-schemas.ts';

const FeatureParams = Type.Object({ feature: Type.String({ maxLength: 64 }) });
const RampBody = Type.Object({
  steps: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), { minItems: 1, maxItems: 20 })),
  dwellSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  minRequests: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
}, { additionalProperties: false });
type RampBody = Static<typeof RampBody>;

const ACTIONS: Record<string, { from: RampState[]; to: RampState }> = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  abort: { from: ['running', 'paused'], to: 'aborted' },
};

function oneFeature(name: string) {
  if (name === 'all') throw new AppError('NOT_FOUND', 'A ramp is per feature; "all" is not a feature');
  return targets(name)[0];
}

export async function progressiveRoutes(app: FastifyInstance) {
  const { flags, progressive } = app;
  requireAdmin(app);

  app.post<{ Params: { feature: string }; Body: RampBody | undefined }>('/admin/flags/:feature/ramp',
    { schema: { summary: 'Start a guarded ramp', params: FeatureParams, body: RampBody, response: { 200: FlagsViewSchema, ...adminErrors(400, 413, 415) } } }, async (request) => {
      const feature = oneFeature(request.params.feature);
      let plan: RampPlan;
      try {
        plan = validatePlan(request.body ?? {}, { dwellSeconds: app.config.RAMP_DWELL_SECONDS, minRequests: app.config.RAMP_MIN_REQUESTS });
      } catch (err) {
        if (err instanceof RampPlanError) throw validationError(err.field, err.message);
        throw err;
      }
      if (!flags.canServe(feature, 'canary')) throw new AppError('CONFLICT', `Feature "${feature}" has no native capsule; it can only run on express`);
      if (flags.stageOf(feature) === 'fastify') throw new AppError('CONFLICT', `Feature "${feature}" is already on fastify`);
      await app.shadow.gate(feature, flags.stageOf(feature), 'canary', false); // leaving shadow needs the gate (409)
      const who = userOf(request).sub;
      try {
        await flags.setStage([feature], { stage: 'canary', percent: plan.steps[0] }, { who, reason: 'ramp', details: { ramp: plan.steps, stepIndex: 0 } });
      } catch (err) {
        throw asHttpError(err);
      }
      await progressive.ramps.start(feature, plan, who);
      await flags.recordEvent(feature, 'ramp-start', { who, reason: 'ramp', details: { ...plan } });
      request.log.warn({ feature, ...plan, by: who }, 'ramp started');
      return flagsView(app);
    });

  app.post<{ Params: { feature: string; action: string } }>('/admin/flags/:feature/ramp/:action',
    {
      schema: {
        summary: 'Pause, resume or abort a ramp', params: Type.Object({ feature: Type.String({ maxLength: 64 }), action: Type.Union(Object.keys(ACTIONS).map((a) => Type.Literal(a))) }),
        response: { 200: FlagsViewSchema, ...adminErrors(400) },
      },
    },
    async (request) => {
      const feature = oneFeature(request.params.feature);
      const { action } = request.params;
      const who = userOf(request).sub;
      const t = ACTIONS[action];
      if (!(await progressive.ramps.transition(feature, t.from, t.to))) {
        throw new AppError('CONFLICT', `No ${t.from.join(' or ')} ramp for "${feature}" to ${action}`);
      }
      await flags.recordEvent(feature, `ramp-${action}`, { who, reason: 'manual' });
      if (action === 'abort') await flags.setStage([feature], { stage: 'express' }, { who, reason: 'manual', details: { note: 'ramp aborted' }, expectStage: 'canary' });
      request.log.warn({ feature, action, by: who }, 'ramp changed');
      return flagsView(app);
    });

  app.get('/admin/live', { schema: { summary: 'Live figures per feature and backend, across every instance', response: { 200: LiveViewSchema, ...adminErrors() } } }, async () => liveView(app.sharedWindow));
}

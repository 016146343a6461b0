// The admin views of docs/admin-api.md: every feature's FeatureView (stage, percent, source, guard,
// ramp) and the audit trail, shared by the flag, ramp and (later) console routes.
import type { FastifyInstance } from 'fastify';
import type { AuditEntry, FlagState } from '../../flags/store.ts';
import type { GuardView } from '../progressive/guard-state.ts';

export interface FeatureView extends FlagState {
  guard: Omit<GuardView, 'figures' | 'decidedAt'> & { figures: GuardView['figures']; decidedAt: string | null };
  ramp: { state: string; steps: number[]; stepIndex: number; stepStartedAt: string; dwellSeconds: number; minRequests: number; startedBy: string } | null;
}

export async function flagsView(app: FastifyInstance, auditLimit = 50): Promise<{ features: Record<string, FeatureView>; audit: AuditEntry[] }> {
  const { flags, progressive } = app;
  const [guards, ramps, audit] = await Promise.all([
    progressive.guardState.views((f) => flags.stageOf(f) === 'canary'),
    progressive.ramps.all(),
    flags.audit(auditLimit),
  ]);
  const features: Record<string, FeatureView> = {};
  for (const s of flags.all()) {
    const g = guards.get(s.feature);
    const r = ramps.find((x) => x.feature === s.feature);
    features[s.feature] = {
      ...s,
      guard: g ?? { state: s.stage === 'canary' ? 'stale' : 'idle', figures: null, decidedAt: null, lastDecision: null },
      ramp: r ? { state: r.state, steps: r.steps, stepIndex: r.stepIndex, stepStartedAt: r.stepStartedAt, dwellSeconds: r.dwellSeconds, minRequests: r.minRequests, startedBy: r.startedBy } : null,
    };
  }
  return { features, audit };
}

// The admin views of docs/admin-api.md: every feature's FeatureView (both sides' stage and percent,
// source, guard per side, ramp) and the audit trail, shared by the flag, ramp and console routes.
import type { FastifyInstance } from 'fastify';
import type { AuditEntry, FlagState } from '../../flags/store.ts';
import { guardView, type GuardView } from '../progressive/guard-state.ts';

export interface FeatureView extends FlagState {
  /** The reads side's guard (the leading side); each side's in `guards`. */
  guard: GuardView;
  guards: { reads: GuardView; writes: GuardView };
}

export async function flagsView(app: FastifyInstance, auditLimit = 50): Promise<{ features: Record<string, FeatureView>; audit: AuditEntry[] }> {
  const { flags, progressive } = app;
  const [verdicts, audit] = await Promise.all([progressive.guardState.verdicts(), flags.audit(auditLimit)]);
  const features: Record<string, FeatureView> = {};
  for (const s of flags.all()) {
    const guards = { reads: guardView(s, 'reads', verdicts), writes: guardView(s, 'writes', verdicts) };
    features[s.feature] = { ...s, guard: guards.reads, guards };
  }
  return { features, audit };
}

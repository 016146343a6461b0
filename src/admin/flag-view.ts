// The admin views of docs/admin-api.md: every feature's FeatureView (both sides' stage and percent,
// source, guard per side, ramp) and the audit trail, shared by the flag, ramp and console routes.
import type { FastifyInstance } from 'fastify';
import { FlagStoreUnavailableError, type AuditEntry, type FlagState } from '../../flags/store.ts';
import { isUnavailableError } from '../policy/errors.ts';
import { asHttpError } from './refusal.ts';
import { guardView, type GuardView } from '../progressive/guard-state.ts';

export interface FeatureView extends FlagState {
  /** The reads side's guard (the leading side); each side's in `guards`. */
  guard: GuardView;
  guards: { reads: GuardView; writes: GuardView };
}

/** PostgreSQL down → 503 DATABASE_UNAVAILABLE. */
export async function flagsView(app: FastifyInstance, auditLimit = 50): Promise<{ features: Record<string, FeatureView>; audit: AuditEntry[] }> {
  const { flags, progressive } = app;
  let verdicts: Awaited<ReturnType<typeof progressive.guardState.verdicts>>;
  let audit: AuditEntry[];
  try {
    [verdicts, audit] = await Promise.all([progressive.guardState.verdicts(), flags.audit(auditLimit)]);
  } catch (err) {
    throw isUnavailableError(err) ? asHttpError(new FlagStoreUnavailableError(err)) : err;
  }
  const features: Record<string, FeatureView> = {};
  for (const s of flags.all()) {
    const guards = { reads: guardView(s, 'reads', verdicts), writes: guardView(s, 'writes', verdicts) };
    features[s.feature] = { ...s, guard: guards.reads, guards };
  }
  return { features, audit };
}

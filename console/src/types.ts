// Shapes of the admin API (docs/admin-api.md), taken from the server's own types (type-only imports,
// compiled away): a change of the admin views on the server is a compile error here, never a silent drift.
// Every field is read as possibly absent (`Absent`): a gateway without canary/shadow support lacks
// those fields, and the page then says "not available".
import type { AuditEntry as ServerAuditEntry, FlagState } from '../../flags/store.ts';
import type { GuardView as ServerGuardView } from '../../src/progressive/guard-state.ts';
import type { LiveView as ServerLiveView, LiveWindow, Point as ServerPoint } from '../../src/progressive/live.ts';
import type { Ramp, SideRollout } from '../../flags/rollout-model.ts';
import type { Stats as ServerStats } from '../../src/progressive/shared-window.ts';
import type { FeatureReport } from '../../src/shadow/report.ts';

export { STAGES, type Stage } from '../../flags/registry.ts';
export type { Side } from '../../flags/operations.ts';
/** Which requests a change applies to: reads (GET, HEAD), writes (the rest) or both (the admin API's `ops`). */
export type Ops = 'both' | 'reads' | 'writes';
export const OPS: readonly Ops[] = ['both', 'reads', 'writes'];
/** A side as the console shows it: its stage and percentage. */
export type SideView = Pick<SideRollout, 'stage' | 'percent'>;

/** Each field may be missing (older gateways) or null. */
type Absent<T> = { [K in keyof T]?: T[K] | null };

export type GuardDecision = NonNullable<ServerGuardView['lastDecision']>;
export type GuardView = Absent<ServerGuardView>;
/** The ramp as GET /admin/flags shows it (src/admin/flag-view.ts). */
export type RampView = Absent<Pick<Ramp, 'state' | 'ops' | 'steps' | 'stepIndex' | 'stepStartedAt' | 'dwellSeconds' | 'minRequests' | 'startedBy'>>;

export type FeatureView = Absent<Omit<FlagState, 'feature' | 'ramp'>> & { feature: string; guard?: GuardView | null; guards?: { reads: GuardView; writes: GuardView } | null; ramp?: RampView | null };
export type AuditEntry = ServerAuditEntry;

export interface FlagsView {
  features: Record<string, FeatureView>;
  audit: AuditEntry[];
}

export type Stats = ServerStats;
export type Point = ServerPoint;
export type Window = Partial<LiveWindow>;
export interface LiveView {
  /** True when the figures come from the window every instance writes to. */
  shared?: ServerLiveView['shared'];
  features: Record<string, { express?: Window; fastify?: Window }>;
}

/** One shadow example (src/shadow/report.ts); the page reads it field by field and shows what it does not know as JSON. */
export type ShadowExample = Partial<FeatureReport['routes'][number]['examples'][number]>;
/** One feature's shadow report with its stage and rate (GET /admin/shadow). */
export type ShadowResult = Absent<FeatureReport> & { stage?: FlagState['stage']; shadowRate?: number; [key: string]: unknown };

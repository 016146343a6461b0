// Shapes of the admin API (docs/admin-api.md). Optional fields are shown as "n/a" when a gateway omits them.
export type Stage = 'express' | 'shadow' | 'canary' | 'fastify';
export const STAGES: readonly Stage[] = ['express', 'shadow', 'canary', 'fastify'];
/** Which requests a change applies to: reads (GET, HEAD), writes (the rest) or both. */
export type Ops = 'both' | 'reads' | 'writes';
export const OPS: readonly Ops[] = ['both', 'reads', 'writes'];
export type Side = 'reads' | 'writes';

export interface SideView {
  stage: Stage;
  percent: number;
}

export interface GuardDecision {
  at?: string;
  verdict?: string;
  figures?: Record<string, unknown>;
}

export interface GuardView {
  state?: string;
  /** The guard's latest figures (whether or not it acted on them) and when it computed them. */
  figures?: Record<string, unknown> | null;
  decidedAt?: string | null;
  lastDecision?: GuardDecision | null;
}

export interface RampView {
  state?: string;
  ops?: Side[];
  steps?: number[];
  stepIndex?: number;
  stepStartedAt?: string | null;
  nativeRequests?: number;
  dwellSeconds?: number;
  minRequests?: number;
  startedBy?: string;
}

export interface FeatureView {
  feature: string;
  backend?: string;
  stage?: Stage;
  percent?: number;
  shadowRate?: number;
  native?: boolean;
  source?: string;
  envStage?: string;
  envBackend?: string;
  changedAt?: string | null;
  changedBy?: string | null;
  reason?: string | null;
  reads?: SideView;
  writes?: SideView;
  guard?: GuardView | null;
  guards?: { reads: GuardView; writes: GuardView };
  ramp?: RampView | null;
}

export interface AuditEntry {
  feature: string;
  action: string;
  from?: string | null;
  to?: string | null;
  fromPercent?: number | null;
  toPercent?: number | null;
  reason?: string | null;
  details?: unknown;
  changedBy: string;
  changedAt: string;
}

export interface FlagsView {
  features: Record<string, FeatureView>;
  audit: AuditEntry[];
}

export interface Stats {
  requests: number;
  rps: number;
  errors5xx: number;
  errorRate: number;
  p50: number | null;
  p99: number | null;
}

export interface Point {
  t: number | string;
  rps: number;
  errorRate: number;
  p50: number | null;
  p99: number | null;
}

export interface Window {
  '1m'?: Stats;
  '5m'?: Stats;
  series?: Point[];
}

export interface LiveView {
  /** True when the figures come from the window every instance writes to. */
  shared?: boolean;
  features: Record<string, { express?: Window; fastify?: Window }>;
}

export interface ShadowExample {
  [key: string]: unknown;
}

export interface ShadowResult {
  compared?: number;
  matched?: number;
  mismatched?: number;
  mismatchRate?: number;
  topFields?: unknown;
  examples?: ShadowExample[];
  [key: string]: unknown;
}

// The console's controls as admin API calls (docs/admin-api.md). Against a gateway that only knows the
// legacy {backend} flip, express/fastify still work; shadow/canary/ramps say they are not available.
import { ApiError, request } from './api.ts';
import type { FlagsView, Stage } from './types.ts';

export interface StageChange {
  stage: Stage;
  percent?: number;
  shadowRate?: number;
  reason?: string;
  force?: boolean;
}

/** True when the gateway reports stages (the canary work); false for the legacy express/fastify flip. */
export function hasStages(flags: FlagsView | null): boolean {
  return !!flags && Object.values(flags.features).some((f) => typeof f.stage === 'string');
}

export class NotAvailableError extends ApiError {
  constructor(what: string) {
    super(404, 'NOT_AVAILABLE', `${what} is not available on this gateway yet (it only flips between express and fastify)`, '');
  }
  override describe(): string {
    return `${this.message}.`;
  }
}

export function stageBody(change: StageChange, staged: boolean): Record<string, unknown> {
  if (!staged) {
    if (change.stage !== 'express' && change.stage !== 'fastify') throw new NotAvailableError(`The ${change.stage} stage`);
    return { backend: change.stage };
  }
  const body: Record<string, unknown> = { stage: change.stage };
  if (change.stage === 'canary') body.percent = change.percent;
  if (change.stage === 'shadow' && change.shadowRate !== undefined) body.shadowRate = change.shadowRate;
  if (change.stage === 'fastify' && change.force) body.force = true;
  if (change.reason) body.reason = change.reason;
  return body;
}

const path = (feature: string) => `/admin/flags/${encodeURIComponent(feature)}`;

export function setStage(token: string, feature: string, change: StageChange, staged: boolean) {
  return request<FlagsView>(token, 'PUT', path(feature), stageBody(change, staged));
}

export function clearOverride(token: string, feature: string) {
  return request<FlagsView>(token, 'DELETE', path(feature));
}

export function rollbackAll(token: string, staged: boolean) {
  return request<FlagsView>(token, 'PUT', path('all'), staged ? { stage: 'express' } : { backend: 'express' });
}

export interface RampStart {
  steps?: number[];
  dwellSeconds?: number;
  minRequests?: number;
}

export function startRamp(token: string, feature: string, opts: RampStart, staged: boolean) {
  if (!staged) return Promise.reject(new NotAvailableError('A ramp'));
  return request<unknown>(token, 'POST', `${path(feature)}/ramp`, opts);
}

export function rampControl(token: string, feature: string, verb: 'pause' | 'resume' | 'abort', staged: boolean) {
  if (!staged) return Promise.reject(new NotAvailableError('A ramp'));
  return request<unknown>(token, 'POST', `${path(feature)}/ramp/${verb}`, {});
}

export function resetShadow(token: string, feature: string) {
  return request<unknown>(token, 'DELETE', `/admin/shadow/${encodeURIComponent(feature)}`);
}

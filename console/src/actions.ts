// The console's controls as admin API calls (docs/admin-api.md). Every change is a command the gateway's
// rollout model decides; `ops` says which side moves (reads: GET/HEAD, writes: the rest; both by default).
import { request } from './api.ts';
import type { FlagsView, Ops, Stage } from './types.ts';

export interface StageChange {
  stage: Stage;
  percent?: number;
  shadowRate?: number;
  reason?: string;
  force?: boolean;
  ops?: Ops;
}

function stageBody(change: StageChange): Record<string, unknown> {
  const body: Record<string, unknown> = { stage: change.stage };
  if (change.ops && change.ops !== 'both') body.ops = change.ops;
  if (change.stage === 'canary') body.percent = change.percent;
  if (change.stage === 'shadow' && change.shadowRate !== undefined) body.shadowRate = change.shadowRate;
  if ((change.stage === 'fastify' || change.stage === 'canary') && change.force) body.force = true;
  if (change.reason) body.reason = change.reason;
  return body;
}

const path = (feature: string) => `/admin/flags/${encodeURIComponent(feature)}`;

export function setStage(token: string, feature: string, change: StageChange) {
  return request<FlagsView>(token, 'PUT', path(feature), stageBody(change));
}

export function clearOverride(token: string, feature: string) {
  return request<FlagsView>(token, 'DELETE', path(feature));
}

export function rollbackAll(token: string) {
  return request<FlagsView>(token, 'PUT', path('all'), { stage: 'express' });
}

export interface RampStart {
  steps?: number[];
  dwellSeconds?: number;
  minRequests?: number;
  ops?: Ops;
}

export function startRamp(token: string, feature: string, opts: RampStart) {
  const { ops, ...rest } = opts;
  return request<unknown>(token, 'POST', `${path(feature)}/ramp`, ops && ops !== 'both' ? { ...rest, ops } : rest);
}

export function rampControl(token: string, feature: string, verb: 'pause' | 'resume' | 'abort') {
  return request<unknown>(token, 'POST', `${path(feature)}/ramp/${verb}`, {});
}

export function resetShadow(token: string, feature: string) {
  return request<unknown>(token, 'DELETE', `/admin/shadow/${encodeURIComponent(feature)}`);
}

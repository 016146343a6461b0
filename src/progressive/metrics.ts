// Prometheus series of progressive delivery: stage and percent per feature, guard state and decisions,
// ramp step, leadership — registered on the gateway's metrics registry.
import { Counter, Gauge, type Registry } from 'prom-client';
import { STAGES, type FeatureName, type Stage } from '../../flags/registry.ts';
import type { Verdict } from './guard.ts';

const GUARD_STATES = ['idle', 'collecting', 'healthy', 'rolled-back'] as const;
export type GuardMetricState = (typeof GUARD_STATES)[number];

export function progressiveMetrics(registry: Registry) {
  const registers = [registry];
  const stage = new Gauge({ name: 'progressive_stage', help: 'Current stage per feature (1 on the active stage)', labelNames: ['feature', 'stage'], registers });
  const percent = new Gauge({ name: 'progressive_canary_percent', help: 'Canary percentage per feature (0 outside a canary, 100 on fastify)', labelNames: ['feature'], registers });
  const guard = new Gauge({ name: 'progressive_guard_state', help: 'Guard state per feature (1 on the current state), as seen by the leader', labelNames: ['feature', 'state'], registers });
  const verdicts = new Counter({ name: 'progressive_guard_verdicts_total', help: 'Guard verdicts by the leader, by feature and verdict', labelNames: ['feature', 'verdict'], registers });
  const rollbacks = new Counter({ name: 'progressive_guard_rollbacks_total', help: 'Automatic rollbacks by the guard', labelNames: ['feature'], registers });
  const rampStep = new Gauge({ name: 'progressive_ramp_step_percent', help: 'Percentage of the ramp step reached (100 = fastify)', labelNames: ['feature'], registers });
  const leader = new Gauge({ name: 'progressive_leader', help: '1 while this instance holds the leader lock', registers });

  return {
    stage(feature: FeatureName, current: Stage, pct: number) {
      for (const s of STAGES) stage.set({ feature, stage: s }, s === current ? 1 : 0);
      percent.set({ feature }, current === 'canary' ? pct : current === 'fastify' ? 100 : 0);
    },
    verdict(feature: FeatureName, v: Verdict) {
      verdicts.inc({ feature, verdict: v });
      const state: GuardMetricState = v === 'healthy' ? 'healthy' : v === 'breach' ? 'rolled-back' : 'collecting';
      for (const s of GUARD_STATES) guard.set({ feature, state: s }, s === state ? 1 : 0);
    },
    rollback: (feature: FeatureName) => rollbacks.inc({ feature }),
    rampStep: (feature: FeatureName, pct: number) => rampStep.set({ feature }, pct),
    leader: (on: boolean) => leader.set(on ? 1 : 0),
  };
}

export type ProgressiveMetrics = ReturnType<typeof progressiveMetrics>;

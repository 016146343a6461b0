// `app.progressive`: the leader election, the guard and the ramps. Every instance refreshes its stage
// gauges (the reads side, which leads) each tick; only the instance holding the advisory lock runs the
// controller (one decision).
import fp from 'fastify-plugin';
import { FEATURE_NAMES } from '../../flags/registry.ts';
import { Controller } from './controller.ts';
import { DEFAULT_THRESHOLDS, type GuardThresholds } from './guard.ts';
import { GuardStateStore } from './guard-state.ts';
import { Leader } from './leader.ts';
import { sessionDatabaseUrl } from '../infrastructure/deps.ts';
import { progressiveMetrics } from './metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    progressive: { leader: Leader; guardState: GuardStateStore; thresholds: GuardThresholds };
  }
}

export const progressiveLeaderPlugin = fp(async (app) => {
  const { config, flags } = app;
  const guardState = new GuardStateStore(app.db);
  const thresholds: GuardThresholds = { ...DEFAULT_THRESHOLDS, minRequests: config.GUARD_MIN_REQUESTS };
  const metrics = progressiveMetrics(app.metrics.registry);
  let lastWarning = 0;
  const warn = (msg: string) => (err: unknown) => {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    app.log.warn({ err: err instanceof Error ? err.message : String(err) }, msg);
  };
  const controller = new Controller({
    flags, window: app.sharedWindow, guardState, windowMs: config.GUARD_WINDOW_MS, pushIntervalMs: config.WINDOW_PUSH_INTERVAL_MS, thresholds,
    events: {
      verdict: (feature, _side, j) => metrics.verdict(feature, j.verdict),
      rollback: (feature, side, j) => {
        metrics.rollback(feature);
        app.log.warn({ feature, side, figures: j.figures }, `guard rolled ${feature} ${side} back to express: ${j.figures.breaches.join('; ')}`);
      },
      refused: (feature, reason) => app.log.info({ feature, reason }, 'leader decision refused by the rollout model'),
      held: (late) => app.log.warn({ late }, late.length ? 'guard and ramp hold: instances\' counts are late (no decision on missing data)' : 'guard and ramp resume: every instance\'s counts are in'),
      rampStep: (feature, step) => {
        metrics.rampStep(feature, step === 'fastify' ? 100 : step);
        app.log.warn({ feature, step }, 'ramp advanced');
      },
    },
  });
  const leader = new Leader({
    databaseUrl: sessionDatabaseUrl(config),
    retryMs: config.LEADER_RETRY_MS,
    onChange: (on) => {
      metrics.leader(on);
      app.log.warn({ leader: on }, on ? 'this instance now leads progressive delivery' : 'this instance no longer leads');
    },
    onError: warn('leader connection failed'),
  });
  app.decorate('progressive', { leader, guardState, thresholds });

  let busy = false;
  const tick = async () => {
    for (const f of FEATURE_NAMES) {
      const s = flags.state(f);
      metrics.stage(f, s.stage, s.percent);
    }
    if (!leader.isLeader || busy) return;
    busy = true;
    try {
      await controller.tick();
    } catch (err) {
      warn('guard tick failed')(err);
    } finally {
      busy = false;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    leader.start();
    timer = setInterval(() => void tick(), config.GUARD_INTERVAL_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await leader.stop();
  });
}, { name: 'progressive-leader', dependencies: ['config', 'postgres', 'flags', 'metrics', 'progressive-window'] });

// Shadow traffic in the gateway (docs/shadow.md): `app.shadow` (report, reset, gate), the capture of the
// proxied answers (tap.ts), the native route templates, the admin routes and gateway_shadow_comparisons_total.
// Registered after the capsules (it reads their route templates) and before the legacy proxy (its onRoute
// hook puts the capture on the proxy's routes).
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { isFeatureName } from '../../flags/registry.ts';
import { shadowAdminRoutes } from './admin-routes.ts';
import { namespaceOf } from '../progressive/window-plugin.ts'; // same database → same report
import { MemoryResultsStore, RedisResultsStore } from './results-store.ts';
import { RouteTemplates } from '../routing/route-templates.ts';
import { ShadowService } from './service.ts';
import { tapProxiedAnswers } from './tap.ts';

declare module 'fastify' {
  interface FastifyInstance {
    shadow: ShadowService;
  }
}

export const shadowPlugin = fp(async (app) => {
  const c = app.config;
  const templates = new RouteTemplates();
  app.addHook('onReady', async () => {
    for (const r of app.nativeRoutes) templates.add(r.method, r.url);
  });

  const comparisons = new Counter({
    name: 'gateway_shadow_comparisons_total', help: 'Shadow samples by feature, route template and result (matched, mismatched, noise, skipped, errored)',
    labelNames: ['feature', 'route', 'result'], registers: [app.metrics.registry],
  });
  const retention = { retentionMs: c.SHADOW_RETENTION_HOURS * 3_600_000, maxExamples: c.SHADOW_MAX_EXAMPLES };
  const shadow = new ShadowService({
    config: c,
    flags: app.flags,
    store: app.redis ? new RedisResultsStore(app.redis, retention, `mvp:shadow:${namespaceOf(c.DATABASE_URL)}:`) : new MemoryResultsStore(retention),
    templates,
    onResult: (feature, route, result) => { if (isFeatureName(feature)) comparisons.inc({ feature, route, result }); },
    onFlushError: (err) => app.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'shadow results flush failed; retrying'),
    onReplayEvent: (msg, err) => app.log.warn({ err: err instanceof Error ? err.message : err === undefined ? undefined : String(err) }, msg),
  });
  app.decorate('shadow', shadow);
  tapProxiedAnswers(app, shadow);
  app.addHook('onReady', async () => {
    shadow.start();
    shadow.prepareReplay();
  });
  // The worker boots once the gateway listens, so its start never competes with the gateway's own.
  app.addHook('onListen', async () => shadow.watchReplay());
  app.addHook('preClose', async () => shadow.stop());
  await app.register(shadowAdminRoutes, { shadow });
}, { name: 'shadow', dependencies: ['config', 'redis', 'metrics', 'flags', 'auth', 'request-context', 'capsules'] });

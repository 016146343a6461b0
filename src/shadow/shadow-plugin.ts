// Shadow traffic in the gateway (docs/shadow.md): `app.shadow` (report, reset, gate), the tap the legacy
// proxy calls, the native route templates, the admin routes and gateway_shadow_comparisons_total.
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { isFeatureName } from '../../flags/registry.ts';
import { shadowAdminRoutes } from './admin-routes.ts';
import { namespaceOf } from '../progressive/window-plugin.ts'; // same database → same report
import { expressBackend, nativeBackend } from './backends.ts';
import { MemoryResultsStore, RedisResultsStore } from './results-store.ts';
import { RouteTemplates } from './route-templates.ts';
import { MAX_BODY_BYTES, ShadowService } from './service.ts';

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
    native: nativeBackend(app, MAX_BODY_BYTES),
    express: expressBackend(c.LEGACY_URL, MAX_BODY_BYTES),
    onResult: (feature, route, result) => { if (isFeatureName(feature)) comparisons.inc({ feature, route, result }); },
    onFlushError: (err) => app.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'shadow results flush failed; retrying'),
  });
  app.decorate('shadow', shadow);
  app.decorate('shadowTap', shadow);
  app.addHook('onReady', async () => shadow.start());
  app.addHook('preClose', async () => shadow.stop());
  await app.register(shadowAdminRoutes, { shadow });
}, { name: 'shadow', dependencies: ['config', 'redis', 'metrics', 'flags', 'auth', 'request-context', 'capsules'] });

// Shadow traffic in the gateway (docs/shadow.md): `app.shadow` (report, reset, gate), the tap the legacy
// proxy calls, the native route templates, the admin routes and gateway_shadow_comparisons_total.
// Registered before the capsules, so it sees their routes being added.
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { FEATURE_NAMES, isFeatureName, prefixOf } from '../../flags/registry.ts';
import { shadowAdminRoutes } from './admin-routes.ts';
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
  const prefixes = FEATURE_NAMES.map((f) => prefixOf(f));
  app.addHook('onRoute', (route) => {
    // Every route under a feature prefix is a capsule's (the legacy proxy's routes are /api and /api/*).
    if (!prefixes.some((p) => route.url === p || route.url.startsWith(`${p}/`))) return;
    for (const method of [route.method].flat()) templates.add(method, route.url);
  });

  const comparisons = new Counter({
    name: 'gateway_shadow_comparisons_total', help: 'Shadow samples by feature, route template and result (matched, mismatched, noise, skipped, errored)',
    labelNames: ['feature', 'route', 'result'], registers: [app.metrics.registry],
  });
  const retention = { retentionMs: c.SHADOW_RETENTION_HOURS * 3_600_000, maxExamples: c.SHADOW_MAX_EXAMPLES };
  const shadow = new ShadowService({
    config: c,
    flags: app.flags,
    store: app.redis ? new RedisResultsStore(app.redis, retention) : new MemoryResultsStore(retention),
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
}, { name: 'shadow', dependencies: ['config', 'redis', 'metrics', 'flags', 'auth', 'request-context'] });

// Prometheus metrics: requests, errors and latency per feature and backend, proxy errors by kind,
// so an operator can put the two backends of a feature side by side. GET /metrics.
import fp from 'fastify-plugin';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestMetrics } from '../infrastructure/request-metrics.ts';
import type { ProxyErrorKind } from '../routing/legacy-proxy.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: {
      observe(feature: string, backend: string, route: string, method: string, status: number, seconds: number): void;
      proxyError(kind: ProxyErrorKind): void;
      flagChange(feature: string, to: string): void;
      /** For plugins that add their own series (progressive delivery). */
      registry: Registry;
    };
  }
}

export const metricsPlugin = fp(async (app) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // The per-request series are counted outside prom-client (src/infrastructure/request-metrics.ts); the rest is rare.
  const requests = new RequestMetrics();
  const proxyErrors = new Counter({ name: 'gateway_proxy_errors_total', help: 'Errors proxying to the legacy app, by kind', labelNames: ['kind'], registers: [registry] });
  const flips = new Counter({ name: 'gateway_flag_changes_total', help: 'Flag changes seen by this instance', labelNames: ['feature', 'to'], registers: [registry] });

  app.decorate('metrics', {
    observe: (feature, backend, route, method, status, seconds) => requests.observe(feature, backend, route, method, status, seconds),
    proxyError: (kind) => proxyErrors.inc({ kind }),
    flagChange: (feature, to) => flips.inc({ feature, to }),
    registry,
  });

  app.get('/metrics', { config: { rateLimit: false } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return `${await registry.metrics()}\n${requests.render()}\n`;
  });
}, { name: 'metrics' });

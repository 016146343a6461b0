// Prometheus metrics: requests, errors and latency per feature and backend, proxy errors by kind,
// so an operator can put the two backends of a feature side by side. GET /metrics.
import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProxyErrorKind } from '../routing/legacy-proxy.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: {
      observe(feature: string, backend: string, method: string, status: number, seconds: number): void;
      proxyError(kind: ProxyErrorKind): void;
      flagChange(feature: string, to: string): void;
    };
  }
}

export const metricsPlugin = fp(async (app) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labels = ['feature', 'backend'] as const;
  const requests = new Counter({ name: 'gateway_requests_total', help: 'Requests answered, by feature, backend, method and status', labelNames: [...labels, 'method', 'status'], registers: [registry] });
  const errors = new Counter({ name: 'gateway_request_errors_total', help: 'Requests answered with a 5xx, by feature and backend', labelNames: labels, registers: [registry] });
  const latency = new Histogram({
    name: 'gateway_request_duration_seconds', help: 'Request latency by feature and backend', labelNames: labels, registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const proxyErrors = new Counter({ name: 'gateway_proxy_errors_total', help: 'Errors proxying to the legacy app, by kind', labelNames: ['kind'], registers: [registry] });
  const flips = new Counter({ name: 'gateway_flag_changes_total', help: 'Flag changes seen by this instance', labelNames: ['feature', 'to'], registers: [registry] });

  // Label lookups hash their values on every call; keep the bound children per label set instead.
  const bound = new Map<string, { requests: { inc(): void }; errors: { inc(): void }; latency: { observe(v: number): void } }>();
  const seriesFor = (feature: string, backend: string, method: string, status: number) => {
    const key = `${feature}|${backend}|${method}|${status}`;
    let s = bound.get(key);
    if (!s) {
      s = {
        requests: requests.labels(feature, backend, method, String(status)),
        errors: errors.labels(feature, backend),
        latency: latency.labels(feature, backend),
      };
      bound.set(key, s);
    }
    return s;
  };

  app.decorate('metrics', {
    observe(feature, backend, method, status, seconds) {
      const s = seriesFor(feature, backend, method, status);
      s.requests.inc();
      if (status >= 500) s.errors.inc();
      s.latency.observe(seconds);
    },
    proxyError: (kind) => proxyErrors.inc({ kind }),
    flagChange: (feature, to) => flips.inc({ feature, to }),
  });

  app.get('/metrics', { config: { rateLimit: false } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}, { name: 'metrics' });

// Prometheus metrics: requests, errors and latency per feature, backend and route template, proxy errors
// by kind, so an operator can put the two backends of a feature side by side. GET /metrics, served on the
// main port or, with METRICS_PORT, on a port of its own that is never exposed to clients; METRICS_TOKEN,
// when set, is required as a bearer token wherever it is served (docs/observability.md).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestMetrics } from '../infrastructure/request-metrics.ts';
import type { ProxyErrorKind } from '../routing/legacy-proxy.ts';
import { http } from '../http/node-http.ts';
import { AppError, routeNotFound } from '../policy/errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: {
      observe(feature: string, backend: string, route: string, method: string, status: number, seconds: number): void;
      proxyError(kind: ProxyErrorKind): void;
      flagChange(feature: string, to: string): void;
      /** For plugins that add their own series (progressive delivery). */
      registry: Registry;
      /** The port /metrics listens on when METRICS_PORT is set (its real one when that is taken at random in tests). */
      port(): number | undefined;
    };
  }
}

export const metricsPlugin = fp(async (app) => {
  const { METRICS_PORT, METRICS_TOKEN, HOST } = app.config;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // The per-request series are counted outside prom-client (src/infrastructure/request-metrics.ts); the rest is rare.
  const requests = new RequestMetrics();
  const proxyErrors = new Counter({ name: 'gateway_proxy_errors_total', help: 'Errors proxying to the legacy app, by kind', labelNames: ['kind'], registers: [registry] });
  const flips = new Counter({ name: 'gateway_flag_changes_total', help: 'Flag changes seen by this instance', labelNames: ['feature', 'to'], registers: [registry] });
  const render = async () => `${await registry.metrics()}\n${requests.render()}\n`;
  const authorized = bearerCheck(METRICS_TOKEN);
  let server: ReturnType<typeof http.createServer> | undefined;

  app.decorate('metrics', {
    observe: (feature, backend, route, method, status, seconds) => requests.observe(feature, backend, route, method, status, seconds),
    proxyError: (kind) => proxyErrors.inc({ kind }),
    flagChange: (feature, to) => flips.inc({ feature, to }),
    registry,
    port: () => {
      const address = server?.address();
      return typeof address === 'object' && address ? address.port : undefined;
    },
  });

  if (METRICS_PORT === 0) {
    app.get('/metrics', { config: { probe: true } }, async (request, reply) => {
      if (!authorized(request.headers.authorization)) throw new AppError('UNAUTHORIZED', 'GET /metrics needs the METRICS_TOKEN bearer token');
      reply.type(registry.contentType);
      return render();
    });
    return;
  }
  // Its own plain HTTP server: scrapes never pass the gateway's hooks, rate limit or client-facing port.
  const metricsServer = http.createServer((req, res) => {
    serveMetrics(req, res).catch((err: unknown) => {
      app.log.error({ err }, 'metrics scrape failed');
      res.destroy();
    });
  });
  server = metricsServer;
  async function serveMetrics(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?', 1)[0];
    const refusal = req.method !== 'GET' || path !== '/metrics' ? routeNotFound(req.method ?? 'GET', path)
      : authorized(req.headers.authorization) ? undefined : new AppError('UNAUTHORIZED', 'GET /metrics needs the METRICS_TOKEN bearer token');
    const [status, type, body] = refusal
      ? [refusal.status, 'application/json; charset=utf-8', JSON.stringify(refusal.toBody())]
      : [200, registry.contentType, await render()];
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
  }
  // Listening from onReady: a port already taken stops the start-up like the main port would.
  app.addHook('onReady', async () => {
    await new Promise<void>((resolve, reject) => {
      metricsServer.once('error', reject);
      metricsServer.listen(METRICS_PORT, HOST, () => { metricsServer.off('error', reject); resolve(); });
    });
  });
  app.addHook('onClose', async () => {
    if (!metricsServer.listening) return;
    metricsServer.closeAllConnections();
    await new Promise((resolve) => metricsServer.close(resolve));
  });
}, { name: 'metrics', dependencies: ['config'] });

/** Whether an Authorization header carries `token` (always true without one); constant-time. */
function bearerCheck(token: string): (authorization: string | undefined) => boolean {
  if (!token) return () => true;
  const expected = createHash('sha256').update(token).digest();
  return (authorization) => {
    if (!authorization?.startsWith('Bearer ')) return false;
    return timingSafeEqual(createHash('sha256').update(authorization.slice(7)).digest(), expected);
  };
}

// The gateway's Fastify server options: request ids, body limit, routing like Express, graceful close,
// and the contract's error body for what never reaches a route (malformed HTTP, undecodable URLs).
import { LogController, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/config.ts';
import { requestIdFrom } from './http/request-id.ts';
import { AppError, badUrl } from './policy/errors.ts';
import { randomUUID } from 'node:crypto';
import { toOriginForm } from './http/request-target.ts';
import { servingBackend } from './routing/serving-backend.ts';
import { helmetHeaders } from './plugins/security.ts';
import { processTracing } from './telemetry/process-tracing.ts';

const SECURITY_HEADERS = helmetHeaders();

export function serverOptions(config: Config): FastifyServerOptions {
  return {
    // With tracing on, every line logged inside a request carries its trace_id and span_id.
    logger: { level: config.LOG_LEVEL, base: { app: 'gateway' }, mixin: processTracing()?.logMixin },
    // One access line per request, with feature and backend, written by the access-log plugin.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    trustProxy: trustedProxies(config.TRUST_PROXY),
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    bodyLimit: 1024 * 1024,
    // As Express does by default; params as long as a URL can be, so an over-long id is the schema's 400
    // (with details, through every hook) rather than find-my-way's bare refusal.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 64 * 1024 },
    rewriteUrl: (req) => toOriginForm(req.url ?? '/'), // absolute-form targets served like origin-form
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Malformed HTTP never reaches a route: answer the contract's body and close.
    clientErrorHandler: (err, socket) => {
      if (('code' in err && err.code === 'ECONNRESET') || !socket.writable) return;
      const body = JSON.stringify(new AppError('VALIDATION_ERROR', 'Malformed HTTP request', []).toBody());
      // No request was parsed, so no id was either: a fresh one, and the headers every answer carries.
      const headers = { ...SECURITY_HEADERS, 'x-request-id': randomUUID(), 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
      socket.end(`HTTP/1.1 400 Bad Request\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`);
    },
    frameworkErrors: (err, request, reply) => {
      const e = err.code === 'FST_ERR_BAD_URL' ? badUrl() : new AppError('VALIDATION_ERROR', undefined, []);
      // Fastify types this reply generically (no route yet), so answer on the raw response, taken over.
      const body = JSON.stringify(e.toBody());
      reply.hijack();
      // No hook ran: the headers every answer carries are set here (the route's server holds the flags).
      const app = request.server;
      const backend = servingBackend(request.url, app.flags, Boolean(app.config.LEGACY_URL), request.method);
      reply.raw.writeHead(e.status, {
        ...SECURITY_HEADERS, ...(backend ? { 'x-backend': backend } : {}),
        'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': request.id,
      });
      reply.raw.end(body);
    },
  };
}

/** TRUST_PROXY as Fastify's `trustProxy`: nothing trusted by default, else a hop count or addresses/CIDRs. */
export function trustedProxies(value: string): boolean | string[] | ((address: string, hop: number) => boolean) {
  const v = value.trim();
  if (v === '') return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return (_address, hop) => hop < hops; // trust the nearest `hops` proxies
  }
  return v.split(',').map((a) => a.trim()).filter(Boolean);
}

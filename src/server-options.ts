// The gateway's Fastify server options: request ids, body limit, routing like Express, graceful close,
// and the contract's error body for what never reaches a route (malformed HTTP, undecodable URLs).
import { LogController, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/config.ts';
import { requestIdFrom } from './core/request-id.ts';
import { AppError, badUrl } from './core/errors.ts';

export function serverOptions(config: Config): FastifyServerOptions {
  return {
    logger: { level: config.LOG_LEVEL, base: { app: 'gateway' } },
    // One access line per request, with feature and backend, written by the access-log plugin.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true }, // as Express does by default
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Malformed HTTP never reaches a route: answer the contract's body and close.
    clientErrorHandler: (err, socket) => {
      if (('code' in err && err.code === 'ECONNRESET') || !socket.writable) return;
      const body = JSON.stringify(new AppError('VALIDATION_ERROR', 'Malformed HTTP request', []).toBody());
      socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    },
    frameworkErrors: (err, request, reply) => {
      const e = err.code === 'FST_ERR_BAD_URL' ? badUrl() : new AppError('VALIDATION_ERROR', undefined, []);
      // Fastify types this reply generically (no route yet), so answer on the raw response, taken over.
      const body = JSON.stringify(e.toBody());
      reply.hijack();
      reply.raw.writeHead(e.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': request.id });
      reply.raw.end(body);
    },
  };
}

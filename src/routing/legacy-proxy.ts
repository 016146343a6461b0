// Proxy to the legacy Express app for every feature whose flag says "express", with the pitfalls of
// plain @fastify/http-proxy fixed: no retry storm, explicit timeouts, clean 503/504, forwarded headers,
// bodies streamed untouched.
import proxy from '@fastify/http-proxy';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.ts';

export type ProxyErrorKind = 'unavailable' | 'timeout' | 'reset' | 'bad_response';

const TIMEOUT_CODES = new Set(['FST_REPLY_FROM_GATEWAY_TIMEOUT', 'FST_REPLY_FROM_TIMEOUT', 'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function kindOf(err: { code?: string; cause?: { code?: string } }): ProxyErrorKind {
  const codes = [err.code, err.cause?.code];
  if (codes.some((c) => c && TIMEOUT_CODES.has(c))) return 'timeout';
  if (codes.some((c) => c === 'FST_REPLY_FROM_BAD_GATEWAY' || c === 'HPE_INVALID_CONSTANT' || c?.startsWith('HPE_'))) return 'bad_response';
  if (codes.some((c) => c === 'ECONNRESET' || c === 'UND_ERR_SOCKET' || c === 'FST_REPLY_FROM_CONNECTION_RESET')) return 'reset';
  return 'unavailable';
}

export interface LegacyProxyOptions {
  upstream: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  onProxyError: (kind: ProxyErrorKind) => void;
}

export async function registerLegacyProxy(app: FastifyInstance, opts: LegacyProxyOptions): Promise<void> {
  await app.register(proxy, {
    upstream: opts.upstream,
    prefix: '/api',
    rewritePrefix: '/api',
    constraints: { backend: 'express' },
    config: { backend: 'express' },
    disableRequestLogging: true,
    internalRewriteLocationHeader: false, // same prefix on both sides: Location passes through as is
    undici: {
      connections: 128,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: opts.connectTimeoutMs },
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.bodyTimeoutMs,
    },
    replyOptions: {
      retryDelay: () => null, // never retry: a 503 from legacy is an answer, not a reason to hammer it
      rewriteRequestHeaders: (request: FastifyRequest, headers: Record<string, string | string[] | undefined>) => {
        const prior = headers['x-forwarded-for'];
        return {
          ...headers,
          'x-request-id': request.id,
          'x-forwarded-for': prior ? `${prior}, ${request.ip}` : request.ip,
          'x-forwarded-host': request.headers.host ?? '',
          'x-forwarded-proto': request.protocol,
        };
      },
      onError: (reply: FastifyReply, { error }: { error: Error & { code?: string; cause?: { code?: string } } }) => {
        const kind = kindOf(error);
        opts.onProxyError(kind);
        reply.log.warn({ kind, code: error.code, cause: error.cause?.code }, 'legacy proxy error');
        const e = kind === 'timeout' ? new AppError('GATEWAY_TIMEOUT') : new AppError('BACKEND_UNAVAILABLE');
        if (reply.sent || reply.raw.headersSent) {
          reply.raw.destroy(); // the answer had already started streaming: cut it, never append to it
          return;
        }
        reply.code(e.status).send(e.toBody());
      },
    } as never,
  });
}

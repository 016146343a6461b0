// Proxy to the legacy Express app for every feature whose flag says "express", with the pitfalls of
// plain @fastify/http-proxy fixed: no retry storm, explicit timeouts, clean 503/504, forwarded headers,
// bodies streamed untouched.
import fp from 'fastify-plugin';
import type { FastifyReplyFromHooks } from '@fastify/reply-from';
import { AppError, routeNotFound } from '../policy/errors.ts';
import { proxyRefusesPath } from '../http/request-target.ts';
import { markHandled } from '../progressive/evidence.ts';

export type ProxyErrorKind = 'unavailable' | 'timeout' | 'reset' | 'bad_response';

const TIMEOUT_CODES = new Set(['FST_REPLY_FROM_GATEWAY_TIMEOUT', 'FST_REPLY_FROM_TIMEOUT', 'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The `code` of an error-like value (Node, undici and reply-from errors carry one), if any. */
function codeOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string' ? value.code : undefined;
}

function kindOf(err: Error): ProxyErrorKind {
  const codes = [codeOf(err), codeOf(err.cause)];
  if (codes.some((c) => c && TIMEOUT_CODES.has(c))) return 'timeout';
  if (codes.some((c) => c === 'FST_REPLY_FROM_BAD_GATEWAY' || c === 'HPE_INVALID_CONSTANT' || c?.startsWith('HPE_'))) return 'bad_response';
  if (codes.some((c) => c === 'ECONNRESET' || c === 'UND_ERR_SOCKET' || c === 'FST_REPLY_FROM_CONNECTION_RESET')) return 'reset';
  return 'unavailable';
}

// RFC 9110 §7.6.1: these describe one connection and never cross a proxy (neither do the headers the
// Connection header names). `expect` too: the gateway already answered 100-continue to its client, and the
// proxy's HTTP client refuses it. The gateway then speaks for its own connection (a client's
// `Connection: close` is honoured by Node's server once the legacy app's `connection` is not copied).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);

export function withoutHopByHop<T extends Record<string, unknown>>(headers: T): T {
  const listed = typeof headers.connection === 'string' ? headers.connection.split(',').map((h) => h.trim().toLowerCase()) : [];
  // Copied key by key rather than `delete`d: an object with deleted keys turns into a slow dictionary.
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(headers)) {
    if (!HOP_BY_HOP.has(name) && !listed.includes(name)) out[name] = headers[name];
  }
  return out as T;
}

/** The proxy route: every /api path the flags give to express (and, with a legacy app, every /api path no feature claims). */
export const legacyProxyPlugin = fp(async (app) => {
  const c = app.config;
  if (!c.LEGACY_URL) {
    // No legacy app (Express is gone): a feature still flagged express cannot be served.
    const unavailable = async () => { throw new AppError('BACKEND_UNAVAILABLE'); };
    for (const url of ['/api', '/api/*']) app.all(url, { constraints: { backend: 'express' }, config: { backend: 'express' } }, unavailable);
    return;
  }
  // Loaded only when there is a legacy app to proxy to (the gateway without Express never loads undici).
  const { default: proxy } = await import('@fastify/http-proxy');
  await app.register(proxy, {
    upstream: c.LEGACY_URL,
    prefix: '/api',
    rewritePrefix: '/api',
    constraints: { backend: 'express' },
    config: { backend: 'express' },
    // The gateway checks a feature request's token itself (cached; a failure still goes through: the legacy
    // app answers its own 401), so only verified requests count as the legacy side's evidence.
    // A path the proxy library will not forward is answered here: 401 for a bad token, else no route (the
    // legacy app checks tokens before routes).
    preHandler: (request, reply, done) => {
      const refused = proxyRefusesPath(request.url);
      if (!request.feature) return done(refused ? routeNotFound(request.method, request.url) : undefined);
      app.authenticate(request, reply, (authError) => {
        if (refused) return done(authError ?? routeNotFound(request.method, request.url));
        markHandled(request);
        done();
      });
    },
    disableRequestLogging: true,
    internalRewriteLocationHeader: false, // same prefix on both sides: Location passes through as is
    undici: {
      connections: 128,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: c.PROXY_CONNECT_TIMEOUT_MS },
      headersTimeout: c.PROXY_HEADERS_TIMEOUT_MS,
      bodyTimeout: c.PROXY_BODY_TIMEOUT_MS,
    },
    replyOptions: proxyHooks((kind) => app.metrics.proxyError(kind)),
  });
}, { name: 'legacy-proxy', dependencies: ['config', 'metrics', 'flags', 'auth', 'request-context', 'progressive-window'] });

/** No retries, errors as the contract's 503/504, forwarded headers; the response streams untouched. */
function proxyHooks(onProxyError: (kind: ProxyErrorKind) => void): FastifyReplyFromHooks {
  return {
    retryDelay: () => null, // never retry: a 503 from legacy is an answer, not a reason to hammer it
    rewriteHeaders: (headers) => withoutHopByHop(headers),
    rewriteRequestHeaders: (request, headers) => {
      const prior = headers['x-forwarded-for'];
      const peer = request.socket.remoteAddress ?? request.ip;
      return {
        ...withoutHopByHop(headers),
        'x-request-id': request.id,
        // Appends the peer this gateway heard from, as every proxy in a chain does (the client itself
        // unless a load balancer is in front: then TRUST_PROXY decides what request.ip means).
        'x-forwarded-for': prior ? `${prior}, ${peer}` : peer,
        'x-forwarded-host': request.headers.host ?? '',
        'x-forwarded-proto': request.protocol,
      };
    },
    onError: (reply, { error }) => {
      const kind = kindOf(error);
      onProxyError(kind);
      reply.log.warn({ kind, code: codeOf(error), cause: codeOf(error.cause) }, 'legacy proxy error');
      const e = kind === 'timeout' ? new AppError('GATEWAY_TIMEOUT') : new AppError('BACKEND_UNAVAILABLE');
      if (reply.sent || reply.raw.headersSent) {
        reply.raw.destroy(); // the answer had already started streaming: cut it, never append to it
        return;
      }
      reply.code(e.status).send(e.toBody());
    },
  };
}

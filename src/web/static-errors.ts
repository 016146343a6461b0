// The static file servers (web app, migration console) answer what they cannot serve as the contract's 404:
// @fastify/send refuses a dotfile, a path outside the root or a malformed one with a 4xx error of its own,
// which the gateway's error handler would otherwise see as an unknown error (500, stack trace in the log).
import type { FastifyError, FastifyInstance } from 'fastify';
import { routeNotFound } from '../policy/errors.ts';

/** In a static scope: any 4xx from the file server → 404 NOT_FOUND; other errors go to the gateway's handler. */
export function staticNotFound(scope: FastifyInstance): void {
  scope.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode ?? 500;
    if (status < 400 || status >= 500) throw err;
    const e = routeNotFound(request.method, request.url);
    return reply.status(e.status).send(e.toBody());
  });
}

/** True when a path has a segment starting with a dot (`/.env`, `/a/.git/config`), percent-encoded or not. */
export function hasDotSegment(url: string): boolean {
  const path = url.split('?')[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true; // not a path any file or page has
  }
  return /(^|\/)\./.test(decoded);
}

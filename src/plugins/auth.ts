// `app.authenticate`: the onRequest hook capsules add to verify the bearer token (request.user after it).
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../policy/auth.ts';
import { AppError } from '../policy/errors.ts';
import { cachedVerifier } from '../policy/token-cache.ts';

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (request: FastifyRequest, reply?: FastifyReply, done?: (err?: Error) => void) => Promise<void> | undefined;
  }
  interface FastifyRequest {
    /** Set by `app.authenticate`; null on routes that do not authenticate. */
    user: AuthUser | null;
  }
}

const RESOLVED = Promise.resolve();

export const authPlugin = fp(async (app) => {
  const verify = cachedVerifier(app.deps.verifyToken);
  app.decorateRequest('user', null);
  // As an onRequest hook Fastify passes `done`: the hook then returns nothing (Fastify would otherwise
  // also wait on the returned Promise) and a cache hit costs no Promise at all. Called directly
  // (`await app.authenticate(request)`), it returns a Promise.
  app.decorate('authenticate', (request: FastifyRequest, _reply?: FastifyReply, done?: (err?: Error) => void): Promise<void> | undefined => {
    const user = verify(request.headers.authorization);
    if (!(user instanceof Promise)) {
      request.user = user;
      if (!done) return RESOLVED;
      done();
      return undefined;
    }
    const set = user.then((u) => { request.user = u; });
    if (!done) return set;
    set.then(() => done(), done);
    return undefined;
  });
}, { name: 'auth', dependencies: ['deps'] });

/** The authenticated user of a request behind `app.authenticate` (401 if the hook did not run). */
export function userOf(request: FastifyRequest): AuthUser {
  if (!request.user) throw new AppError('UNAUTHORIZED');
  return request.user;
}

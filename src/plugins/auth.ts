// `app.authenticate`: the onRequest hook capsules add to verify the bearer token (request.user after it).
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../core/auth.ts';
import { AppError } from '../core/errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    /** Set by `app.authenticate`; null on routes that do not authenticate. */
    user: AuthUser | null;
  }
}

// RS256 verification was 23–40% of a native request's CPU (benchmarks/findings.md). A token that verified
// is remembered until it expires, at most CACHE_MS, so a key rotation or revocation lags by ≤ 60 s.
const CACHE_MS = 60_000;
const CACHE_MAX = 10_000;

export const authPlugin = fp(async (app) => {
  const verified = new Map<string, { user: AuthUser; until: number }>();
  app.decorateRequest('user', null);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const now = Date.now();
    const hit = verified.get(header);
    if (hit && hit.until > now) {
      request.user = hit.user;
      return;
    }
    verified.delete(header);
    const user = await app.deps.verifyToken(header);
    request.user = user;
    verified.set(header, { user, until: Math.min(now + CACHE_MS, (user.expiresAt ?? 0) * 1000) });
    if (verified.size > CACHE_MAX) verified.delete(verified.keys().next().value!); // oldest first
  });
}, { name: 'auth', dependencies: ['deps'] });

/** The authenticated user of a request behind `app.authenticate` (401 if the hook did not run). */
export function userOf(request: FastifyRequest): AuthUser {
  if (!request.user) throw new AppError('UNAUTHORIZED');
  return request.user;
}

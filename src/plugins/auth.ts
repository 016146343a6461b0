// `app.authenticate`: the onRequest hook capsules add to verify the bearer token (request.user after it).
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../core/auth.ts';

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    user: AuthUser;
  }
}

export const authPlugin = fp(async (app) => {
  app.decorateRequest('user', null as unknown as AuthUser);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    request.user = await app.deps.verifyToken(request.headers.authorization);
  });
}, { name: 'auth', dependencies: ['deps'] });

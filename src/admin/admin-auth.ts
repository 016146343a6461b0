// The admin routes' gate: a verified bearer token with the admin:flags permission (401 / 403 otherwise).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requirePermission } from '../policy/auth.ts';
import { userOf } from '../plugins/auth.ts';

export function requireAdmin(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    await app.authenticate(request);
    requirePermission(userOf(request), 'admin:flags');
  });
}

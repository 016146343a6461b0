// The admin routes' gate: a verified bearer token with the admin:flags permission (401 / 403 otherwise),
// and the /api body rules (identity coding, UTF-8, depth limit: 415 / 400) for their JSON bodies.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requirePermission } from '../policy/auth.ts';
import { userOf } from '../plugins/auth.ts';
// Imported under a name that does not read as a React hook to the linter (it is a Fastify scope setting).
import { useContractJsonParser as contractBodyRules } from '../capsules/contract-json-parser.ts';

export function requireAdmin(app: FastifyInstance): void {
  contractBodyRules(app);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    await app.authenticate(request);
    requirePermission(userOf(request), 'admin:flags');
  });
}

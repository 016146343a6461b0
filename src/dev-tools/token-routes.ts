// Dev-only sign-in: POST /dev/token { sub, permissions? } → { token, expiresAt }, signed with the dev key
// pair whose public half the apps trust through AUTH_JWKS_FILE (dev/keys.ts, as `make token` does);
// GET /dev/token → 204 so a UI can tell it exists. Registered by the dev-tools plugin only when
// config.DEV_TOOLS is on (which the config refuses in production), and only with a dev key set.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { dirname } from 'node:path';
import { devTokensAvailable } from '../config/config.ts';
import { ensureDevKeys, signToken } from '../../dev/keys.ts';

const TOKEN_TTL_SECONDS = 12 * 3600;

const Body = Type.Object({
  sub: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._@|:-]+$' }),
  permissions: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
}, { additionalProperties: false });

export async function devTokenRoute(app: FastifyInstance) {
  if (!devTokensAvailable(app.config)) {
    app.log.warn('dev token endpoint off: it needs the dev key set (AUTH_JWKS_FILE, no AUTH_JWKS_URL)');
    return;
  }
  // The private key lives next to the jwks.json the apps verify with (.data/dev-keys by default).
  const keys = await ensureDevKeys(dirname(app.config.AUTH_JWKS_FILE));
  const { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience } = app.config;

  app.get('/dev/token', async (_request, reply) => reply.code(204).send());
  app.post<{ Body: Static<typeof Body> }>('/dev/token', { schema: { body: Body } }, async (request, reply) => {
    const exp = Math.floor(Date.now() / 1000) + TOKEN_TTL_SECONDS;
    const token = await signToken({ privateJwk: keys.privateJwk, issuer, audience, sub: request.body.sub, permissions: request.body.permissions, expiresIn: exp });
    reply.header('cache-control', 'no-store');
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  });
}

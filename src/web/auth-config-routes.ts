// GET /auth/config (public): which sign-in the web app offers. Auth0 when AUTH0_CLIENT_ID is set (domain
// from AUTH0_DOMAIN or the AUTH_ISSUER host), else the dev sign-in when the dev token endpoint exists, else none.
import type { FastifyInstance } from 'fastify';
import { devTokensAvailable, type Config } from '../config/config.ts';

export type AuthConfigAnswer =
  | { mode: 'auth0'; domain: string; clientId: string; audience: string }
  | { mode: 'dev' }
  | { mode: 'none' };

export function auth0Domain(config: Config): string | undefined {
  if (!config.AUTH0_CLIENT_ID) return undefined;
  if (config.AUTH0_DOMAIN) return config.AUTH0_DOMAIN;
  try {
    return new URL(config.AUTH_ISSUER).host;
  } catch {
    return undefined;
  }
}

export function authConfigOf(config: Config): AuthConfigAnswer {
  const domain = auth0Domain(config);
  if (config.AUTH0_CLIENT_ID && domain) return { mode: 'auth0', domain, clientId: config.AUTH0_CLIENT_ID, audience: config.AUTH_AUDIENCE };
  if (devTokensAvailable(config)) return { mode: 'dev' };
  return { mode: 'none' };
}

export async function authConfigRoute(app: FastifyInstance) {
  const answer = authConfigOf(app.config);
  app.get('/auth/config', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return answer;
  });
}

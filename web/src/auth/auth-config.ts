// The gateway's public GET /auth/config answer: which sign-in the app offers.
export type AuthConfig =
  | { mode: 'auth0'; domain: string; clientId: string; audience: string }
  | { mode: 'dev' }
  | { mode: 'none' };

export function parseAuthConfig(value: unknown): AuthConfig {
  const v = (value ?? {}) as Record<string, unknown>;
  if (v.mode === 'auth0' && typeof v.domain === 'string' && typeof v.clientId === 'string' && typeof v.audience === 'string') {
    return { mode: 'auth0', domain: v.domain, clientId: v.clientId, audience: v.audience };
  }
  if (v.mode === 'dev') return { mode: 'dev' };
  return { mode: 'none' };
}

export interface DevSession { user: string; token: string; expiresAt: string }

/** A stored dev session still usable for at least `marginMs`. */
export function devSessionValid(s: DevSession | undefined, now = Date.now(), marginMs = 30_000): s is DevSession {
  return !!s && typeof s.token === 'string' && Date.parse(s.expiresAt) - marginMs > now;
}

/** A dev user name: what the sign-in form accepts (it becomes the token's `sub`). */
export function devUserProblem(name: string): string | undefined {
  const n = name.trim();
  if (!n) return 'Required';
  if (n.length > 64) return 'At most 64 characters';
  if (!/^[A-Za-z0-9._@-]+$/.test(n)) return 'Letters, digits and . _ @ - only';
  return undefined;
}

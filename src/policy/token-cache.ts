// Verified tokens remembered until they expire (at most 60 s): the gateway's auth plugin and the
// benchmark's bare node:http floor use this same cache in front of the same jose verifier.
import type { AuthUser, TokenVerifier } from './auth.ts';

// RS256 verification is a large share of a native request's CPU (docs/performance.md). A token that verified
// is remembered until it expires, at most CACHE_MS, so a key rotation or revocation lags by ≤ 60 s.
const CACHE_MS = 60_000;
const CACHE_MAX = 10_000;

/** `verify` with a bounded cache keyed by the whole Authorization header; hits cost no Promise. */
export function cachedVerifier(verify: TokenVerifier): (authorization: string | undefined) => AuthUser | Promise<AuthUser> {
  const verified = new Map<string, { user: AuthUser; until: number }>();
  const remember = (header: string, now: number) => (user: AuthUser) => {
    verified.set(header, { user, until: Math.min(now + CACHE_MS, (user.expiresAt ?? 0) * 1000) });
    if (verified.size > CACHE_MAX) {
      const oldest = verified.keys().next(); // Map keeps insertion order
      if (!oldest.done) verified.delete(oldest.value);
    }
    return user;
  };
  return (authorization) => {
    const header = authorization ?? '';
    const now = Date.now();
    const hit = verified.get(header);
    if (hit !== undefined) {
      if (hit.until > now) return hit.user;
      verified.delete(header);
    }
    return verify(header).then(remember(header, now));
  };
}

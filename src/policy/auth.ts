// Bearer-token verification with jose: RS256 only, issuer and audience checked, keys from a JWKS URL
// (production, Auth0) or a local JWKS file (development).
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, errors as joseErrors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config.ts';
import { AppError } from './errors.ts';

export interface AuthConfig {
  issuer: string;
  audience: string;
  jwksUrl?: string;
  jwksFile?: string;
}

export interface AuthUser {
  sub: string;
  permissions: string[];
  /** The token's `exp` (seconds since the epoch). */
  expiresAt?: number;
}

/** Longest `sub` accepted (characters); Auth0's are well below it. Documented in docs/api-notes.md. */
export const MAX_SUB_LENGTH = 255;

/**
 * A subject the data layer can store and compare as is: 1..MAX_SUB_LENGTH characters, well-formed UTF-16
 * (a lone surrogate cannot become UTF-8 text) and no NUL or other C0/C1 control character.
 */
export function isStorableSubject(sub: unknown): sub is string {
  return typeof sub === 'string' && sub.length > 0 && sub.length <= MAX_SUB_LENGTH && sub.isWellFormed()
    && !/\p{Cc}/u.test(sub); // Cc: the C0 and C1 controls, U+0000-U+001F and U+007F-U+009F
}

export type TokenVerifier = (authorization: string | undefined) => Promise<AuthUser>;

/** The key set could not be had (unreachable, timed out, not 200, not a key set): our dependency failing, not a bad token. */
export class KeySetUnavailableError extends Error {
  constructor(options: { cause: unknown }) {
    super('Token keys unavailable', options);
    this.name = 'KeySetUnavailableError';
  }
}

/** jose's own errors name the token's faults (no key for its kid, …) except these; anything else is fetch's (network). */
function isKeySetFailure(err: unknown): boolean {
  if (!(err instanceof joseErrors.JOSEError)) return true;
  return err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || err.code === 'ERR_JOSE_GENERIC';
}

function keySetOf(cfg: AuthConfig): JWTVerifyGetKey {
  if (cfg.jwksUrl) {
    const url = new URL(cfg.jwksUrl);
    // Created at the first verification: jose's remote key set reaches for fetch, which loads Node's bundled
    // undici (src/http/node-http.ts), in a gateway that has not been asked to check a token yet.
    let remote: JWTVerifyGetKey | undefined;
    return async (header, token) => {
      remote ??= createRemoteJWKSet(url, { timeoutDuration: 3000, cooldownDuration: 30_000 });
      try {
        return await remote(header, token);
      } catch (err) {
        if (isKeySetFailure(err)) throw new KeySetUnavailableError({ cause: err });
        throw err;
      }
    };
  }
  if (cfg.jwksFile) return createLocalJWKSet(JSON.parse(readFileSync(cfg.jwksFile, 'utf8')) as JSONWebKeySet);
  throw new ConfigError('Invalid configuration: set AUTH_JWKS_URL (production) or AUTH_JWKS_FILE (development key set)');
}

export function createTokenVerifier(cfg: AuthConfig): TokenVerifier {
  const keys = keySetOf(cfg);

  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization ?? '');
    if (!match) throw new AppError('UNAUTHORIZED');
    try {
      const { payload } = await jwtVerify(match[1], keys, {
        algorithms: ['RS256'],
        issuer: cfg.issuer,
        audience: cfg.audience,
        requiredClaims: ['sub', 'exp'],
      });
      if (!isStorableSubject(payload.sub)) throw new AppError('UNAUTHORIZED');
      const perms = (payload as { permissions?: unknown }).permissions;
      return { sub: payload.sub, permissions: Array.isArray(perms) ? perms.filter((p): p is string => typeof p === 'string') : [], expiresAt: payload.exp };
    } catch (err) {
      if (err instanceof KeySetUnavailableError) throw new AppError('SERVICE_UNAVAILABLE', err.message);
      throw new AppError('UNAUTHORIZED');
    }
  };
}

export function requirePermission(user: AuthUser, permission: string): void {
  if (!user.permissions.includes(permission)) throw new AppError('FORBIDDEN');
}

// The unforgeable mark of an in-process shadow run: a header carrying a random secret made once per process.
// The backend constraint routes a marked request to the native capsule; the rate limit and the request
// metrics ignore it. The secret never leaves the process (inject() is in-memory), so no client can set it.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SHADOW_HEADER = 'x-mvp-shadow-run';
const secret = randomBytes(32).toString('base64url');
const secretBytes = Buffer.from(secret);

export function shadowMark(): Record<string, string> {
  return { [SHADOW_HEADER]: secret };
}

/** True only for the gateway's own shadow runs (a missing header costs one property read). */
export function isShadowRun(headers: Record<string, string | string[] | undefined>): boolean {
  const value = headers[SHADOW_HEADER];
  if (typeof value !== 'string' || value.length !== secret.length) return false;
  return timingSafeEqual(Buffer.from(value), secretBytes);
}

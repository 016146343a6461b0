// The `sub` of a bearer token, read WITHOUT verification, only to pick a canary bucket (see
// docs/progressive-delivery.md "Why reading sub unverified is safe"). Cheap: the payload segment alone
// is base64url-decoded and parsed; anything odd (no bearer, not three segments, oversized, no string
// sub) → undefined, which routes the request to Express.
const MAX_PAYLOAD_CHARS = 4096;

export function unverifiedSub(authorization: string | string[] | undefined): string | undefined {
  if (typeof authorization !== 'string' || authorization.length < 8) return undefined;
  // "Bearer " case-insensitively, as both backends accept it.
  if ((authorization.charCodeAt(0) | 0x20) !== 0x62 || authorization.slice(1, 7).toLowerCase() !== 'earer ') return undefined;
  const first = authorization.indexOf('.', 7);
  if (first < 0) return undefined;
  const second = authorization.indexOf('.', first + 1);
  if (second < 0 || second - first - 1 > MAX_PAYLOAD_CHARS) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(authorization.slice(first + 1, second), 'base64url').toString('utf8'));
    const sub = (payload as { sub?: unknown } | null)?.sub;
    return typeof sub === 'string' && sub.length > 0 && sub.length <= 256 ? sub : undefined;
  } catch {
    return undefined;
  }
}

// The request target as both backends see it: absolute-form (`GET http://host/api/x`) served like
// origin-form, and paths whose segments decode to a dot segment or a separator refused as no route.

/** The target without its query. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** `http://host/p?q` → `/p?q` (RFC 9112 §3.2.2: servers must accept the absolute form); other forms as is. */
export function toOriginForm(url: string): string {
  if (url.startsWith('/')) return url;
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(url);
  if (!m) return url;
  const rest = m[1];
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * true when a path segment, percent-decoded, is `.` or `..` or contains `/` or `\`: such a path names
 * no resource of the API (ids, VINs and names never contain them) and must not be handed on to be
 * normalised by someone else. Undecodable segments are left to the URL check (400).
 */
export function hasTraversalSegment(url: string): boolean {
  const path = pathOf(url);
  // Every request pays this line: a dot segment needs "/." (or a leading "."), the rest a "%" or "\\".
  if (path.charCodeAt(0) !== 46 && !path.includes('/.') && !path.includes('%') && !path.includes('\\')) return false;
  return path.split('/').some((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return false;
    }
    return decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\');
  });
}

/**
 * true when @fastify/reply-from will not forward this path: its own traversal guard refuses any path that,
 * percent-decoded, contains `/..` or `../` (so `/api/vehicles/..abc` and `/api/vehicles/...` too, which
 * hasTraversalSegment lets through as ordinary names) and throws an untyped 400. The proxy answers these
 * itself, before forwarding. The query is not part of what it checks.
 */
export function proxyRefusesPath(url: string): boolean {
  const path = pathOf(url);
  if (!path.includes('..') && !path.includes('%')) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false; // left to the URL check (400)
  }
  return decoded === '..' || decoded.includes('/..') || decoded.includes('../');
}

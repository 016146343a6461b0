// Which requests the web app's SPA fallback answers with index.html: page navigations (GET/HEAD that
// accept HTML) outside the gateway's own prefixes, which keep their contract 404s, and never a dotfile path
// (`/.env`, `/.git/config`: a 404, so nothing looks like it is there).
import { hasDotSegment } from './static-errors.ts';

export const RESERVED_PREFIXES = ['/api', '/admin', '/health', '/metrics', '/dev', '/auth', '/assets'] as const;

export function isReservedPath(url: string): boolean {
  const path = url.split('?')[0];
  return RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

export function acceptsHtml(accept: string | undefined): boolean {
  return !!accept && /(^|,)\s*(text\/html|application\/xhtml\+xml)\s*(;|,|$)/i.test(accept);
}

export function wantsSpaPage(method: string, url: string, accept: string | undefined): boolean {
  return (method === 'GET' || method === 'HEAD') && acceptsHtml(accept) && !isReservedPath(url) && !hasDotSegment(url);
}

/**
 * The page's Content-Security-Policy: helmet's defaults, plus blob: images (photos are fetched with the
 * token and shown from object URLs) and, with Auth0, its domain for the token calls and silent sign-in.
 */
export function pageCsp(auth0Domain?: string): string {
  const auth0 = auth0Domain ? ` https://${auth0Domain}` : '';
  return [
    "default-src 'self'", "base-uri 'self'", "object-src 'none'", "frame-ancestors 'self'", "form-action 'self'",
    "script-src 'self'", "script-src-attr 'none'", "style-src 'self'", "img-src 'self' data: blob:", "font-src 'self' data:",
    `connect-src 'self'${auth0}`, `frame-src 'self'${auth0}`, "worker-src 'self' blob:",
  ].join('; ');
}

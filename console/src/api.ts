// The admin API client: every data call carries the bearer token; errors become ApiError with words.
// The HTTP call and the error type are the web app's (web/src/lib/api.ts): one client for both apps.
import { ApiError as ContractError, call, type ErrorDetail } from '../../web/src/lib/api.ts';

export class ApiError extends ContractError {
  readonly path: string;

  constructor(status: number, code: string, message: string, path: string, details: ErrorDetail[] = []) {
    super(status, code, message, details);
    this.path = path;
  }

  /** The console only calls routes for features the server listed, so a 404 means the route is missing. */
  get notAvailable(): boolean {
    return this.status === 404;
  }

  /** Human words for a role=alert. */
  describe(): string {
    if (this.status === 0) return `Could not reach the gateway (${this.message}).`;
    if (this.status === 401) return 'The token was rejected (missing, expired or not signed by the configured issuer). Sign in again.';
    if (this.status === 403) return 'This token lacks admin:flags: it may not read or change the migration.';
    if (this.notAvailable) return `Not available on this gateway: ${this.path} answered 404 (${this.message}).`;
    let text = `${this.message} (HTTP ${this.status}${this.code ? `, ${this.code}` : ''})`;
    if (this.details.length) text += `: ${this.details.map((d) => `${d.field} ${d.message}`).join('; ')}`;
    return text;
  }
}

/** An admin API call through the web app's one HTTP call (web/src/lib/api.ts); errors carry the path asked for. */
export async function request<T>(token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await call(method, path, { token: token ?? undefined, cache: 'no-store', ...(body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' }) });
  } catch (err) {
    if (err instanceof ContractError) throw new ApiError(err.status, err.code, err.message, path, err.details);
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  try {
    return (text ? JSON.parse(text) : undefined) as T;
  } catch {
    return undefined as T; // a 2xx that is not JSON: nothing to show
  }
}

/** Probe for the development token endpoint: true only when GET /dev/token answers 204. */
export async function devTokenAvailable(): Promise<boolean> {
  try {
    const res = await fetch('/dev/token', { method: 'GET', cache: 'no-store' });
    return res.status === 204;
  } catch {
    return false;
  }
}

export async function devSignIn(sub: string): Promise<string> {
  const r = await request<{ token: string; expiresAt: string }>(null, 'POST', '/dev/token', { sub, permissions: ['admin:flags'] });
  return r.token;
}

/** The token's sub, for display only (the server verifies; nothing here trusts it). */
export function tokenSub(token: string): string | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
}

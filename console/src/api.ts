// The admin API client: every data call carries the bearer token; errors become ApiError with words.
// The error type is the web app's (web/src/lib/api.ts): one class for the contract's error body in both apps.
import { ApiError as ContractError, type ErrorDetail } from '../../web/src/lib/api.ts';

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

export async function request<T>(token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err), path);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: reported below with the status
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? '', e?.message ?? (res.statusText || 'Request failed'), path, Array.isArray(e?.details) ? e.details : []);
  }
  return json as T;
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

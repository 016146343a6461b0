// The API client: `/api/*` with a bearer token, JSON in and out, contract errors as ApiError. Nothing in
// here knows which backend serves a feature. Pure TypeScript (no DOM beyond fetch), tested by node --test.

export interface ErrorDetail { field: string; message: string }

/** A failed call: the contract's error body, or status 0 / NETWORK_ERROR when nothing answered. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export type TokenProvider = () => Promise<string | undefined>;

export interface ApiOptions {
  getToken: TokenProvider;
  /** Called once per 401, before the ApiError is thrown (the app signs out). */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  baseUrl?: string;
}

function isErrorBody(value: unknown): value is { error: { code: string; message: string; details?: ErrorDetail[] } } {
  if (!value || typeof value !== 'object') return false;
  const e = (value as { error?: unknown }).error;
  return !!e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string';
}

/** The ApiError for a non-2xx response (its body may be anything, e.g. an HTML page from a proxy). */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    return new ApiError(res.status, body.error.code, body.error.message || res.statusText, Array.isArray(body.error.details) ? body.error.details : []);
  }
  return new ApiError(res.status, res.status >= 500 ? 'INTERNAL_ERROR' : `HTTP_${res.status}`, res.statusText || `HTTP ${res.status}`);
}

export interface CallOptions {
  token?: string;
  body?: BodyInit;
  contentType?: string;
  fetch?: typeof fetch;
  baseUrl?: string;
  cache?: RequestCache;
}

/**
 * One HTTP call, as both apps make it (the web app's Api below, the console's admin client): bearer token,
 * JSON accepted; a failure is an ApiError with the contract's error body (status 0 when nothing answered).
 */
export async function call(method: string, path: string, o: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.contentType) headers['content-type'] = o.contentType;
  const doFetch = o.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch((o.baseUrl ?? '') + path, { method, headers, body: o.body, ...(o.cache ? { cache: o.cache } : {}) });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The server could not be reached');
  }
  if (res.ok) return res;
  throw await errorFromResponse(res);
}

export class Api {
  private readonly opts: ApiOptions;

  constructor(opts: ApiOptions) {
    this.opts = opts;
  }

  private async call(method: string, path: string, init: { body?: BodyInit; contentType?: string } = {}): Promise<Response> {
    try {
      return await call(method, path, { ...init, token: await this.opts.getToken(), fetch: this.opts.fetch, baseUrl: this.opts.baseUrl });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.opts.onUnauthorized?.();
      throw err;
    }
  }

  async get<T>(path: string): Promise<T> {
    return (await (await this.call('GET', path)).json()) as T;
  }

  async send<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
    const res = await this.call(method, path, { body: JSON.stringify(body), contentType: 'application/json' });
    return (await res.json()) as T;
  }

  async del(path: string): Promise<void> {
    const res = await this.call('DELETE', path);
    await res.body?.cancel();
  }

  /** A raw-body upload (photos, receipts): the file's own content type. */
  async upload<T>(path: string, file: Blob): Promise<T> {
    const res = await this.call('PUT', path, { body: file, contentType: file.type || 'application/octet-stream' });
    return (await res.json()) as T;
  }

  /** Bytes fetched with the token (photos and receipts are never loaded by a bare <img src>). */
  async blob(path: string): Promise<Blob> {
    return (await this.call('GET', path)).blob();
  }
}

/** A query string from defined values only (`?a=1&b=x`, or '' when none). */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// The tests' one HTTP client: JSON in and out, raw bodies for uploads, optional recording for parity.
// It talks to a base URL over real HTTP (fetch), or injects into a Fastify instance (no socket: the
// `inject` level of test/helper.ts); the answer has the same shape either way.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or undefined when the body is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: any response of the API under test; the suites check its shape at run time against the contract (assert.deepEqual and friends), so a static type here would only restate what they assert
  body: any;
  text: string;
  bytes: Buffer;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Sent as-is (no JSON encoding); use for uploads, malformed JSON and wrong content types. */
  raw?: string | Buffer;
}

export type Recorder = (method: string, path: string, res: ApiResponse) => void;

/** What a Client can inject into: a Fastify app (or a wrapper adding inject options). */
export interface Injectable {
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

/** Where requests go: a base URL (real HTTP) or a Fastify app (inject). */
export type Endpoint = string | Injectable;

type Send = (method: string, path: string, headers: Record<string, string>, payload: string | Buffer | undefined) =>
  Promise<{ status: number; headers: Record<string, string>; bytes: Buffer }>;

function overHttp(baseUrl: string): Send {
  return async (method, path, headers, payload) => {
    const res = await fetch(baseUrl + path, { method, headers, body: payload as BodyInit | undefined });
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), bytes: Buffer.from(await res.arrayBuffer()) };
  };
}

function byInject(app: Injectable): Send {
  return async (method, path, headers, payload) => {
    const res = await app.inject({ method: method as 'GET', url: path, headers, payload });
    const flat: Record<string, string> = {};
    // fetch joins repeated headers with ", " (set-cookie aside): the same here, so assertions do not care.
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : String(v);
    return { status: res.statusCode, headers: flat, bytes: res.rawPayload };
  };
}

export class Client {
  /** The base URL, or '' when this client injects into an app. */
  readonly baseUrl: string;
  readonly token: string | undefined;
  recorder: Recorder | undefined;
  private readonly send: Send;

  constructor(endpoint: Endpoint, token?: string, recorder?: Recorder) {
    this.baseUrl = typeof endpoint === 'string' ? endpoint : '';
    this.send = typeof endpoint === 'string' ? overHttp(endpoint) : byInject(endpoint);
    this.token = token;
    this.recorder = recorder;
  }

  async request(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | Buffer | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, opts.headers);
    const res = await this.send(method, path, headers, payload);
    const { bytes } = res;
    const text = bytes.toString('utf8');
    const out: ApiResponse = {
      status: res.status,
      headers: res.headers,
      body: /json/.test(res.headers['content-type'] ?? '') && text ? JSON.parse(text) : undefined,
      text,
      bytes,
    };
    this.recorder?.(method, path, out);
    return out;
  }

  get(path: string, opts?: RequestOptions) { return this.request('GET', path, undefined, opts); }
  post(path: string, body?: unknown, opts?: RequestOptions) { return this.request('POST', path, body, opts); }
  put(path: string, body?: unknown, opts?: RequestOptions) { return this.request('PUT', path, body, opts); }
  del(path: string, opts?: RequestOptions) { return this.request('DELETE', path, undefined, opts); }
  raw(method: string, path: string, opts: RequestOptions & { body?: string | Buffer } = {}) {
    return this.request(method, path, undefined, { headers: opts.headers, raw: opts.body ?? opts.raw ?? '' });
  }
}

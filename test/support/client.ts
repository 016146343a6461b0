// A small HTTP client for tests: JSON in and out, raw bodies for uploads, optional recording for parity.
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

export class Client {
  readonly baseUrl: string;
  readonly token: string | undefined;
  recorder: Recorder | undefined;

  constructor(baseUrl: string, token?: string, recorder?: Recorder) {
    this.baseUrl = baseUrl;
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
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload as BodyInit | undefined });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    const out: ApiResponse = {
      status: res.status,
      headers: Object.fromEntries(res.headers.entries()),
      body: /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : undefined,
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

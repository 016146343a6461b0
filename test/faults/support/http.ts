// Requests with a deadline for fault tests: a hung request becomes a recorded failure, not a hung test.
import type { ApiResponse } from '../../support/client.ts';

export interface TimedResponse extends ApiResponse {
  ms: number;
  /** Set when no HTTP answer arrived (connection refused/reset, deadline). */
  error?: string;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  raw?: Buffer | string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function call(baseUrl: string, method: string, path: string, o: CallOptions = {}): Promise<TimedResponse> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | Buffer | undefined;
  if (o.raw !== undefined) body = o.raw;
  else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] ??= 'application/json';
  }
  const t0 = performance.now();
  try {
    const res = await fetch(baseUrl + path, { method, headers, body: body as BodyInit | undefined, signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let parsed: unknown;
    if (/json/.test(res.headers.get('content-type') ?? '') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: parsed, text, bytes, ms: performance.now() - t0 };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const error = e.name === 'TimeoutError' ? 'timeout' : e.cause?.code ?? e.cause?.message ?? e.message;
    return { status: 0, headers: {}, body: undefined, text: '', bytes: Buffer.alloc(0), ms: performance.now() - t0, error };
  }
}

export const describeRes = (r: TimedResponse) =>
  r.error ? `no answer (${r.error}) after ${Math.round(r.ms)} ms` : `${r.status} ${r.text.slice(0, 160)} after ${Math.round(r.ms)} ms`;

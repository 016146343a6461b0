// The two answers a shadow replay asks for: the native capsule's (`app.inject` on the replay worker's own
// Fastify instance, src/shadow/worker/replay-app.ts) and, for noise calibration, Express's a second time over
// HTTP. Both read at most `maxBytes` of the answer and stop at the replay's timeout signal.
import type { FastifyInstance, HTTPMethods } from 'fastify';
import type { Captured } from './compare.ts';
import { BodyTooLargeError, type Backend } from './replay.ts';

async function readCapped(body: AsyncIterable<Uint8Array> | null, maxBytes: number, onOver: () => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (!body) return Buffer.alloc(0);
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      onOver();
      throw new BodyTooLargeError();
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}

const first = (v: string | string[] | number | undefined) => (Array.isArray(v) ? v[0] : v === undefined ? undefined : String(v));

export function nativeBackend(app: FastifyInstance, maxBytes: number): Backend {
  return async (sample, signal) => {
    // Buffered, not streamed: capsule answers are small and bounded (photos and receipts are capped at 5 MiB
    // by the capsules), and light-my-request's stream mode costs far more CPU per run than one buffer.
    const res = await app.inject({
      method: sample.method as HTTPMethods,
      url: sample.url,
      headers: { ...sample.headers, 'x-request-id': sample.requestId },
      signal,
    });
    const body = res.rawPayload;
    if (body.length > maxBytes) throw new BodyTooLargeError();
    return { status: res.statusCode, contentType: first(res.headers['content-type']), body } satisfies Captured;
  };
}

export function expressBackend(legacyUrl: string, maxBytes: number): Backend {
  const base = legacyUrl.replace(/\/$/, '');
  return async (sample, signal) => {
    const res = await fetch(base + sample.url, {
      method: sample.method,
      headers: { ...sample.headers, 'x-request-id': sample.requestId },
      signal,
      redirect: 'manual',
    });
    const body = await readCapped(res.body, maxBytes, () => { void res.body?.cancel(); });
    return { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body };
  };
}

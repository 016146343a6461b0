// How a JSON route treats the request body, shared so both backends refuse the same requests the same way.
// Mirrors Fastify's own rules: no body → undefined; a body that is not application/json → 415.

import type { Readable } from 'node:stream';

// An error answered before the request body was read: read and drop the rest (up to this much) first, so
// a proxy in front that is still sending sees a normal answer, not a broken connection; past it, close.
export const DRAIN_MAX_BYTES = 20 * 1024 * 1024;

/** Reads and drops what is left of a request body; false when it gave up (caller should close). */
export function drainRequest(source: Readable & { complete?: boolean }, maxBytes = DRAIN_MAX_BYTES): Promise<boolean> {
  if (source.complete || source.readableEnded) return Promise.resolve(true);
  if (source.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (ok: boolean) => {
      source.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onClose);
      if (!ok) source.pause();
      resolve(ok);
    };
    const onData = (chunk: Buffer) => { if ((seen += chunk.length) > maxBytes) finish(false); };
    const onEnd = () => finish(true);
    const onClose = () => finish(false);
    source.unpipe(); // whatever was consuming it (an upload that failed) must not hold it back
    source.on('data', onData).once('end', onEnd).once('close', onClose).once('error', onClose);
    source.resume();
  });
}

export type BodyVerdict = 'none' | 'json' | 'unsupported' | 'empty-json';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function classifyJsonBody(method: string, headers: Record<string, string | string[] | undefined>): BodyVerdict {
  if (!BODY_METHODS.has(method)) return 'none';
  const contentType = headers['content-type'];
  const length = headers['content-length'];
  const hasBody = headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (contentType === undefined) return hasBody ? 'unsupported' : 'none';
  const media = String(contentType).split(';')[0].trim().toLowerCase();
  if (media !== 'application/json') return 'unsupported';
  return hasBody ? 'json' : 'empty-json';
}

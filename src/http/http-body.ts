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
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) finish(false);
    };
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
  if (media !== 'application/json' || !isUtf8Charset(String(contentType)) || !isIdentityEncoding(headers['content-encoding'])) return 'unsupported';
  return hasBody ? 'json' : 'empty-json';
}

/** JSON is UTF-8 (RFC 8259): no charset parameter, or `utf-8`/`utf8` in any case. Anything else → 415. */
export function isUtf8Charset(contentType: string): boolean {
  const charset = /;\s*charset\s*=\s*("?)([^";]*)\1/i.exec(contentType)?.[2];
  return charset === undefined || /^utf-?8$/i.test(charset.trim());
}

/** Bodies are taken as sent: no content coding (`identity` or none). gzip, x-bogus, … → 415 (RFC 9110 §8.4.1). */
export function isIdentityEncoding(header: string | string[] | undefined): boolean {
  if (header === undefined) return true;
  return [header].flat().join(',').split(',').every((c) => c.trim() === '' || c.trim().toLowerCase() === 'identity');
}

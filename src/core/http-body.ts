// How a JSON route treats the request body, shared so both backends refuse the same requests the same way.
// Mirrors Fastify's own rules: no body → undefined; a body that is not application/json → 415.

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

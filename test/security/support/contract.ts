// Assertions on API.md's error contract shared by the security, fuzz and fault suites: the error body
// shape, the status ↔ code table, and "no stack traces, SQL, hostnames or internal addresses".
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import type { ApiResponse } from '../../support/client.ts';

export const STATUS_OF_CODE: Record<string, number> = {
  VALIDATION_ERROR: 400, INVALID_JSON: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404,
  CONFLICT: 409, PAYLOAD_TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415, RATE_LIMITED: 429,
  INTERNAL_ERROR: 500, EXTERNAL_SERVICE_ERROR: 502, BACKEND_UNAVAILABLE: 503, SERVICE_UNAVAILABLE: 503,
  REDIS_UNAVAILABLE: 503, GATEWAY_TIMEOUT: 504,
};

const LEAKS: Array<[string, RegExp]> = [
  ['stack frame', /\n\s+at\s|\bat [\w.<>]+ \(|node:internal|\.ts:\d+|\.js:\d+/],
  ['source path', /\/work\/|\/home\/|\/usr\/|node_modules|file:\/\//],
  ['SQL', /\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b|syntax error at or near|violates (unique|check|foreign key|not-null)|duplicate key value|relation "|column "|invalid input syntax for|pg_|SQLSTATE/i],
  ['errno', /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|EAI_AGAIN|UND_ERR_\w+|FST_\w+|HPE_\w+)\b/],
  ['IP address', /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b|\[?::1\]?:\d+|\blocalhost\b/i],
  ['port', /:\d{4,5}\b/], // ports; an ISO time's ":30" has only two digits
];

/** Throws naming what leaked when `text` (an error body) contains internals. */
export function assertNoLeak(text: string, context = '', echoed: string[] = []): void {
  // What the client itself sent (a path echoed in "Route … not found") is not a leak.
  for (const e of echoed) if (e) text = text.split(e).join('<echo>');
  for (const [what, re] of LEAKS) {
    const m = re.exec(text);
    if (m) assert.fail(`${context} error body leaks a ${what} (${JSON.stringify(m[0])}): ${text.slice(0, 500)}`);
  }
  const host = hostname();
  if (host && host.length > 3) assert.ok(!text.includes(host), `${context} error body leaks the hostname: ${text.slice(0, 300)}`);
}

/** Asserts the contract's error body (and optionally status/code) with no internals in it. */
export function assertError(res: ApiResponse, status?: number, code?: string, context = '', echoed: string[] = []): void {
  const where = `${context} → ${res.status} ${res.text.slice(0, 300)}`;
  if (status !== undefined) assert.equal(res.status, status, where);
  assert.match(res.headers['content-type'] ?? '', /^application\/json/, `content-type ${where}`);
  const body = res.body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined;
  assert.ok(body && typeof body === 'object' && body.error && typeof body.error === 'object', `error body ${where}`);
  assert.deepEqual(Object.keys(body).sort(), ['error'], `only "error" at the top ${where}`);
  const e = body.error;
  assert.equal(typeof e.code, 'string', `error.code ${where}`);
  assert.equal(typeof e.message, 'string', `error.message ${where}`);
  assert.ok(e.code as string in STATUS_OF_CODE, `known code ${where}`);
  assert.equal(STATUS_OF_CODE[e.code as string], res.status, `status matches code ${where}`);
  if (code !== undefined) assert.equal(e.code, code, where);
  if (e.code === 'VALIDATION_ERROR') {
    assert.ok(Array.isArray(e.details), `details array ${where}`);
    for (const d of e.details as Array<{ field?: unknown; message?: unknown }>) {
      assert.equal(typeof d.field, 'string', `details.field ${where}`);
      assert.equal(typeof d.message, 'string', `details.message ${where}`);
    }
    assert.deepEqual(Object.keys(e).sort(), ['code', 'details', 'message'], where);
  } else {
    assert.deepEqual(Object.keys(e).sort(), ['code', 'message'], `no details unless VALIDATION_ERROR ${where}`);
  }
  assertNoLeak(res.text, context, echoed);
}

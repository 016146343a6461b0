// TypeBox building blocks every feature's schemas share (both backends validate with them).
import { CloneType, Type, type TSchema } from '@sinclair/typebox';
import { codesFor, type ErrorCode } from './errors.ts';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

// ajv's `uuid` format also accepts a `urn:uuid:` prefix, which PostgreSQL rejects; 36 chars excludes it.
export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });

export const IdParams = Type.Object({ id: Uuid });

/** An id in an answer: a UUID (written in lower case). */
export const ResourceId = Type.String({ format: 'uuid' });

/** `?limit=` (1..200, default 50) and `?offset=` (default 0, capped where PostgreSQL's int4 ends). */
export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
};

/** The contract's list envelope `{ items, total, limit, offset }`. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

// ---- responses as the contract documents them (docs/openapi.json is built from these) ----

const ErrorDetailSchema = Type.Object({ field: Type.String(), message: Type.String() });

function errorBodySchema(status: number) {
  const codes = codesFor(status);
  return Type.Object({
    error: Type.Object({
      code: Type.Unsafe<ErrorCode>(Type.String({ enum: codes })),
      message: Type.String(),
      // Present only for VALIDATION_ERROR.
      details: Type.Optional(Type.Array(ErrorDetailSchema)),
    }),
  }, { description: codes.join(' or ') });
}
export type ErrorBodySchema = ReturnType<typeof errorBodySchema>;

// One schema object per status, so every route shares it (and its compiled serializer).
const errorBodies = new Map<number, ErrorBodySchema>();
export function ErrorBody(status: number): ErrorBodySchema {
  let schema = errorBodies.get(status);
  if (!schema) {
    schema = errorBodySchema(status);
    errorBodies.set(status, schema);
  }
  return schema;
}

/**
 * What any authenticated route may answer: a malformed request (undecodable path, bad JSON body: any
 * request may carry one), bad token, a path naming no resource (`..` segments, api-notes.md), a body too
 * large or of the wrong type, rate limit, a failure, a dependency or the legacy app unreachable or too slow.
 */
export const ALWAYS_ERRORS = [400, 401, 404, 413, 415, 429, 500, 503, 504] as const;
type AlwaysError = (typeof ALWAYS_ERRORS)[number];

/** The error responses of a route: `statuses` it can answer besides ALWAYS_ERRORS, each with the contract's error body. */
export function errorResponses<const S extends readonly number[]>(...statuses: S): { [K in S[number] | AlwaysError]: ErrorBodySchema } {
  const out: Record<number, ErrorBodySchema> = {};
  for (const status of [...statuses, ...ALWAYS_ERRORS].sort((a, b) => a - b)) out[status] = ErrorBody(status);
  return out as { [K in S[number] | AlwaysError]: ErrorBodySchema };
}

/** A 201 answer: the created resource, and `Location`, the path to read it back. */
export const Created = <T extends TSchema>(schema: T): T =>
  CloneType(schema, { headers: { location: { type: 'string', description: 'Path of the created resource' } } });

/** A 204 answer: no body (the handler sends nothing; Fastify writes no body for a 204). */
export const NoContent = Type.Unsafe<undefined>(Type.Null({ description: 'No Content' }));

/** An answer whose body is stored bytes of one of `types` (the type it was uploaded with), sent as a stream. */
export const Bytes = (types: readonly string[]) => ({
  description: 'The stored bytes, with the content type they were uploaded with',
  content: Object.fromEntries(types.map((type) => [type, { schema: Type.Unsafe<unknown>(Type.String({ contentMediaType: type })) }])),
});

/**
 * Marks an upload route, whose raw body (not JSON) is streamed to object storage; the OpenAPI plugin turns
 * it into the operation's requestBody. The body is not a schema Fastify validates: the store checks type and size.
 */
export const rawUpload = (types: readonly string[], maxBytes: number) => ({ 'x-raw-body': { types: [...types], maxBytes } });

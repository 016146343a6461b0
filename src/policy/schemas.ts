// TypeBox building blocks every feature's schemas share (both backends validate with them).
import { Type, type TSchema } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

// ajv's `uuid` format also accepts a `urn:uuid:` prefix, which PostgreSQL rejects; 36 chars excludes it.
export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });

export const IdParams = Type.Object({ id: Uuid });

/** `?limit=` (1..200, default 50) and `?offset=` (default 0, capped where PostgreSQL's int4 ends). */
export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
};

/** The contract's list envelope `{ items, total, limit, offset }`. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

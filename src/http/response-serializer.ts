// Response bodies written with V8's JSON.stringify instead of a schema-compiled serializer.
//
// Every native route returns objects its service built field by field in the contract's shape (the legacy
// app writes the very same objects with res.json, i.e. JSON.stringify). On Node 24, JSON.stringify of
// those objects costs less than fast-json-stringify (paired runs: docs/performance.md). What the schema serializer
// added on top — dropping properties the schema does not name, coercing types — is then never
// needed, and that is checked rather than assumed: outside production every body is written both ways
// and any difference fails the request (ResponseShapeError, a 500), so the test suites, the parity
// suite and `make dev` prove the shapes match byte for byte.
import buildSerializer from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';

/** A native route answered with something its response schema would have written differently. */
export class ResponseShapeError extends Error {
  readonly route: string;

  constructor(route: string, expected: string, actual: string) {
    const at = firstDifference(expected, actual);
    super(`${route}: response body differs from its schema's serialisation at offset ${at} ` +
      `(schema: ${JSON.stringify(expected.slice(Math.max(0, at - 40), at + 40))}, ` +
      `JSON.stringify: ${JSON.stringify(actual.slice(Math.max(0, at - 40), at + 40))})`);
    this.name = 'ResponseShapeError';
    this.route = route;
  }
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

const stringify = (data: unknown): string => JSON.stringify(data);

/**
 * Fastify's serializer compiler for response schemas: JSON.stringify, and with `check` (every
 * environment but production) the schema-compiled serializer beside it, which must agree byte for byte.
 */
export function responseSerializerCompiler(check: boolean): FastifySerializerCompiler<unknown> {
  // Routes share schema objects (the error bodies above all): each is compiled once.
  const compiled = new WeakMap<object, ReturnType<typeof buildSerializer>>();
  return ({ schema, method, url, httpStatus }) => {
    if (!check) return stringify;
    const key = schema as object;
    const bySchema = compiled.get(key) ?? buildSerializer(schema as Parameters<typeof buildSerializer>[0]);
    compiled.set(key, bySchema); if (process.env.DBG) console.log(compiled.has(key), httpStatus, url);
    const route = `${method} ${url} ${httpStatus}`;
    return (data: unknown) => {
      const actual = JSON.stringify(data);
      const expected = bySchema(data);
      if (actual !== expected) throw new ResponseShapeError(route, expected, actual);
      return actual;
    };
  };
}

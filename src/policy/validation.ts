// One JSON-schema validator setup for both backends, so the same bad input gets the same error details.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { AppError, type ErrorDetail } from './errors.ts';

// ajv-formats is CommonJS: its default import is module.exports, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

export const HTTP_PARTS = ['body', 'querystring', 'params', 'headers'] as const;
export type HttpPart = (typeof HTTP_PARTS)[number];

export function asHttpPart(value: string | undefined): HttpPart {
  return HTTP_PARTS.find((p) => p === value) ?? 'body';
}

// Bodies are never coerced ("5" is not a number); query strings and path params arrive as text and are.
// removeAdditional is off so unknown fields are rejected (API.md), not silently dropped.
const bodyAjv = addFormats(new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false }));
const textAjv = addFormats(new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false, strict: false }));

const compiled = { body: new WeakMap<object, ValidateFunction>(), text: new WeakMap<object, ValidateFunction>() };

/** Fastify names the part being validated; bodies (or an unnamed part) get the non-coercing validator. */
export function compileValidator(schema: object, httpPart: string | undefined): ValidateFunction {
  const kind = httpPart === 'body' || httpPart === undefined ? 'body' : 'text';
  let fn = compiled[kind].get(schema);
  if (!fn) {
    fn = refuseNul((kind === 'body' ? bodyAjv : textAjv).compile(schema));
    compiled[kind].set(schema, fn);
  }
  return fn;
}

/** JSON-pointer path of the first string holding a NUL character (PostgreSQL text cannot store one), or null. */
function nulPath(value: unknown): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? '' : null;
  if (value === null || typeof value !== 'object') return null;
  // Runs on every validated request part: no entries array, and the path is only built on a hit.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const hit = nulPath((value as Record<string, unknown>)[key]);
    if (hit !== null) return `/${key}${hit}`;
  }
  return null;
}

// After the schema passes, a NUL anywhere is a 400 on that field instead of a database error.
function refuseNul(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown) => {
    if (!validate(data)) {
      wrapped.errors = validate.errors;
      return false;
    }
    const path = nulPath(data);
    wrapped.errors = path === null ? null : [{ instancePath: path, schemaPath: '#', keyword: 'nul', params: {}, message: 'must not contain NUL characters' }];
    return path === null;
  }) as ValidateFunction;
  return wrapped;
}

/** What both AJV and Fastify report per failed rule. */
export type SchemaError = Pick<ErrorObject, 'keyword' | 'instancePath'> & { params: Record<string, unknown>; message?: string };

function fieldOf(e: SchemaError, httpPart: HttpPart): string {
  let path = e.instancePath.split('/').filter(Boolean).join('.');
  const extra = e.keyword === 'required' ? e.params.missingProperty
    : e.keyword === 'additionalProperties' ? e.params.additionalProperty
    : undefined;
  if (typeof extra === 'string' && extra) path = path ? `${path}.${extra}` : extra;
  return path || httpPart;
}

function messageOf(e: SchemaError): string {
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'additionalProperties') return 'is not allowed';
  return e.message ?? 'is invalid';
}

export function validationDetails(errors: readonly SchemaError[] | null | undefined, httpPart: HttpPart): ErrorDetail[] {
  return (errors ?? []).map((e) => ({ field: fieldOf(e, httpPart), message: messageOf(e) }));
}

export function validationErrorFrom(errors: readonly SchemaError[] | null | undefined, httpPart: HttpPart): AppError {
  return new AppError('VALIDATION_ERROR', undefined, validationDetails(errors, httpPart));
}

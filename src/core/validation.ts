// One JSON-schema validator setup for both backends, so the same bad input gets the same error details.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { AppError, type ErrorDetail } from './errors.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export type HttpPart = 'body' | 'querystring' | 'params' | 'headers';

// Bodies are never coerced ("5" is not a number); query strings and path params arrive as text and are.
// removeAdditional is off so unknown fields are rejected (API.md), not silently dropped.
const bodyAjv = addFormats(new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false }));
const textAjv = addFormats(new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false, strict: false }));

const compiled = { body: new WeakMap<object, ValidateFunction>(), text: new WeakMap<object, ValidateFunction>() };

export function compileValidator(schema: object, httpPart: HttpPart): ValidateFunction {
  const kind = httpPart === 'body' ? 'body' : 'text';
  let fn = compiled[kind].get(schema);
  if (!fn) {
    fn = refuseNul((kind === 'body' ? bodyAjv : textAjv).compile(schema));
    compiled[kind].set(schema, fn);
  }
  return fn;
}

/** Path of the first string holding a NUL character (PostgreSQL text cannot store one), or null. */
function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const hit = nulPath(v, `${path}/${k}`);
      if (hit !== null) return hit;
    }
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
    const path = nulPath(data, '');
    wrapped.errors = path === null ? null : [{ instancePath: path, schemaPath: '#', keyword: 'nul', params: {}, message: 'must not contain NUL characters' }];
    return path === null;
  }) as ValidateFunction;
  return wrapped;
}

function fieldOf(e: ErrorObject, httpPart: HttpPart): string {
  let path = e.instancePath.split('/').filter(Boolean).join('.');
  const extra = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty
    : e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty
    : undefined;
  if (extra) path = path ? `${path}.${extra}` : extra;
  return path || httpPart;
}

function messageOf(e: ErrorObject): string {
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'additionalProperties') return 'is not allowed';
  return e.message ?? 'is invalid';
}

export function validationDetails(errors: ErrorObject[] | null | undefined, httpPart: HttpPart): ErrorDetail[] {
  return (errors ?? []).map((e) => ({ field: fieldOf(e, httpPart), message: messageOf(e) }));
}

export function validationErrorFrom(errors: ErrorObject[] | null | undefined, httpPart: HttpPart): AppError {
  return new AppError('VALIDATION_ERROR', undefined, validationDetails(errors, httpPart));
}

// Form rules: how the strings a form holds become an API body, and what is refused before sending.
// Only structure is checked here (required, a number, a whole number, the VIN's shape); ranges and
// everything else are the API's to judge, and its VALIDATION_ERROR details are shown beside the field.

export type FieldType = 'text' | 'int' | 'decimal' | 'bool' | 'date';

export interface FieldSpec {
  type: FieldType;
  required?: boolean;
  /** What an empty optional field sends: nothing (the API's default) or an explicit null (clears it). */
  empty?: 'omit' | 'null';
}

export type FormValues = Record<string, string | boolean>;
export type FieldErrors = Record<string, string>;

export interface BuiltBody {
  body: Record<string, unknown>;
  errors: FieldErrors;
}

export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/;

/** What the API does to a VIN before checking it: trimmed and upper-cased. */
export const normalizeVin = (raw: string) => raw.trim().toUpperCase();

/** Why a VIN cannot be right, or undefined when it has the shape the API accepts. */
export function vinProblem(raw: string): string | undefined {
  const vin = normalizeVin(raw);
  if (!vin) return 'Required';
  if (vin.length !== 17) return `Must be 17 characters (has ${vin.length})`;
  if (/[IOQ]/.test(vin)) return 'VINs never contain the letters I, O or Q';
  if (!VIN_PATTERN.test(vin)) return 'Only letters and digits';
  return undefined;
}

/** A number typed by a person: "1,234.5" and " 12 " are fine; "", "abc", "1e3" are not numbers. */
export function parseNumber(raw: string): number | undefined {
  const s = raw.trim().replace(/,/g, '');
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(s)) return undefined;
  return Number(s);
}

export function buildBody(specs: Record<string, FieldSpec>, values: FormValues): BuiltBody {
  const body: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = values[name];
    if (spec.type === 'bool') {
      body[name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '') {
      if (spec.required) errors[name] = 'Required';
      else if (spec.empty === 'null') body[name] = null;
      continue;
    }
    if (spec.type === 'text' || spec.type === 'date') {
      body[name] = text;
      continue;
    }
    const n = parseNumber(text);
    if (n === undefined) errors[name] = 'Must be a number';
    else if (spec.type === 'int' && !Number.isInteger(n)) errors[name] = 'Must be a whole number';
    else body[name] = n;
  }
  return { body, errors };
}

/** Only the fields whose value differs from the original (for partial updates); `{}` when none. */
export function changedFields(body: Record<string, unknown>, original: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => (original[k] ?? null) !== (v ?? null)));
}

/** A form's starting strings from a resource (null → ''). */
export function valuesFrom(resource: Record<string, unknown>, specs: Record<string, FieldSpec>): FormValues {
  const out: FormValues = {};
  for (const [name, spec] of Object.entries(specs)) {
    const v = resource[name];
    out[name] = spec.type === 'bool' ? v === true : v === null || v === undefined ? '' : String(v);
  }
  return out;
}

/** Upload limits (API.md), checked before sending so a too-large file never leaves the browser. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const RECEIPT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const RECEIPT_MAX_BYTES = 10 * 1024 * 1024;

export function fileProblem(file: { type: string; size: number }, types: readonly string[], maxBytes: number): string | undefined {
  if (!types.includes(file.type)) return `Choose a ${types.map((t) => t.split('/')[1].toUpperCase()).join(', ')} file`;
  if (file.size > maxBytes) return `The file is larger than ${maxBytes / 1024 / 1024} MB`;
  return undefined;
}

/** Latitude/longitude typed by the user, checked before a search. */
export function coordinateErrors(lat: string, lng: string): FieldErrors {
  const errors: FieldErrors = {};
  const la = parseNumber(lat);
  const ln = parseNumber(lng);
  if (la === undefined) errors.lat = lat.trim() ? 'Must be a number' : 'Required';
  else if (la < -90 || la > 90) errors.lat = 'Must be between -90 and 90';
  if (ln === undefined) errors.lng = lng.trim() ? 'Must be a number' : 'Required';
  else if (ln < -180 || ln > 180) errors.lng = 'Must be between -180 and 180';
  return errors;
}

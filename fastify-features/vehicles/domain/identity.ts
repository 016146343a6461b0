// A vehicle needs make, model and year: given in the body, or filled from a VIN decode (API.md POST).
import type { VinDecode } from '../model.ts';
import { MIN_MODEL_YEAR } from './year.ts';

export interface Identity {
  make: string;
  model: string;
  year: number;
}

export type PartialIdentity = Partial<Identity>;

export const IDENTITY_FIELDS = ['make', 'model', 'year'] as const;

/** The identity when the caller gave all three fields, else null. */
export function givenIdentity(input: PartialIdentity): Identity | null {
  const { make, model, year } = input;
  return make !== undefined && model !== undefined && year !== undefined ? { make, model, year } : null;
}

/** The identity fields the caller left out, in contract order. */
export function missingIdentity(input: PartialIdentity): Array<keyof Identity> {
  return IDENTITY_FIELDS.filter((f) => input[f] === undefined);
}

/**
 * Fills only the missing fields from the decode. Null when the result would still lack one of them or
 * a decoded value would break the field's bounds (the caller answers 400 on `vin`).
 */
export function fillFromDecode(input: PartialIdentity, decode: VinDecode, maxYear: number): Identity | null {
  const make = input.make ?? decode.make;
  const model = input.model ?? decode.model;
  const year = input.year ?? decode.year;
  if (make === null || model === null || year === null) return null;
  if (input.make === undefined && make.length > 50) return null;
  if (input.model === undefined && model.length > 50) return null;
  if (input.year === undefined && (year < MIN_MODEL_YEAR || year > maxYear)) return null;
  return { make, model, year };
}

// VIN rules of API.md: trimmed and uppercased, then 17 characters of [A-HJ-NPR-Z0-9] (no I, O, Q).
import { validationError } from '../../../src/policy/errors.ts';

export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/;

export function normalizeVin(raw: string): string {
  return raw.trim().toUpperCase();
}

/** The normalised VIN, or a 400 on field `vin` when it is not a valid VIN. */
export function parseVin(raw: string): string {
  const vin = normalizeVin(raw);
  if (!VIN_PATTERN.test(vin)) throw validationError('vin', 'must be 17 characters of A-H, J-N, P, R-Z or 0-9');
  return vin;
}

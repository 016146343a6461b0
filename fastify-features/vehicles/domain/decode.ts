// vPIC DecodeVinValues (every value a string, "" for unknown) → the API's decode object.
import type { VinDecode } from '../model.ts';

/** `Results[0]` of a vPIC envelope, or null when the payload does not have that shape. */
export function vpicResultOf(payload: unknown): Record<string, unknown> | null {
  const results = (payload as { Results?: unknown } | null)?.Results;
  if (!Array.isArray(results) || results.length === 0) return null;
  const first: unknown = results[0];
  return first !== null && typeof first === 'object' && !Array.isArray(first) ? (first as Record<string, unknown>) : null;
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const t = value.trim();
  return t === '' ? null : t;
}

function integer(value: unknown): number | null {
  const t = text(value);
  if (t === null) return null;
  const n = Number(t);
  return Number.isInteger(n) ? n : null;
}

/** Half-up rounding on the decimal digits (1.15 → 1.2), which n * 10 in binary floating point gets wrong. */
export function roundDecimal(n: number, digits: number): number {
  const shifted = Number(`${n}e${digits}`);
  if (!Number.isFinite(shifted)) return Math.round(n * 10 ** digits) / 10 ** digits;
  return Number(`${Math.round(shifted)}e-${digits}`);
}

function decimal1(value: unknown): number | null {
  const t = text(value);
  if (t === null) return null;
  const n = Number(t);
  return Number.isFinite(n) ? roundDecimal(n, 1) : null;
}

/** `vin` is the normalised VIN that was asked for, whatever vPIC echoes. */
export function toVinDecode(vin: string, r: Record<string, unknown>): VinDecode {
  return {
    vin,
    make: text(r.Make),
    model: text(r.Model),
    year: integer(r.ModelYear),
    trim: text(r.Trim),
    bodyClass: text(r.BodyClass),
    fuelType: text(r.FuelTypePrimary),
    engineCylinders: integer(r.EngineCylinders),
    displacementL: decimal1(r.DisplacementL),
    manufacturer: text(r.Manufacturer),
  };
}

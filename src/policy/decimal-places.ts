// How many digits after the point a JSON number really has: the shortest decimal that round-trips the
// float (what JSON.stringify writes), so 0.1 has 1, 1.0000000001 has 10 and 5e-324 has 324. A NUMERIC(p,s)
// column holds a value exactly when this is ≤ s (the rest of its range is the schema's bound).

export function decimalPlaces(value: number): number {
  if (!Number.isFinite(value)) return Infinity;
  const [mantissa, exponent = '0'] = Math.abs(value).toString().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** true when `value` has at most `decimals` digits after the point, exactly (no float tolerance). */
export function hasAtMostDecimals(value: number, decimals: number): boolean {
  return decimalPlaces(value) <= decimals;
}

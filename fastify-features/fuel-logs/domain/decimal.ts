// Exact decimal arithmetic for the contract's rounded quantities. Gallons and prices have at most 3
// decimals and money 2, so they are handled as integers (thousandths, cents) and divided exactly once.

/** value × 10^decimals as an integer (inputs are already limited to `decimals` places). */
export function toScaled(value: number, decimals: number): number {
  return Math.round(value * 10 ** decimals);
}

/** true when `value` has at most `decimals` digits after the point (exactly: 1e-10 has 10). */
export { hasAtMostDecimals } from '../../../src/policy/decimal-places.ts';

/**
 * num / den rounded half-up to `decimals` places, for integers num ≥ 0 and den > 0.
 * BigInt keeps the halfway cases exact where float division could land a hair below .5.
 */
export function divRound(num: number, den: number, decimals: number): number {
  const scale = 10n ** BigInt(decimals);
  const d = BigInt(den);
  const q = (BigInt(num) * scale * 2n + d) / (2n * d);
  return Number(q) / Number(scale);
}

/** Default totalCost: gallons × pricePerGallon rounded half-up to cents. */
export function defaultTotalCost(gallons: number, pricePerGallon: number): number {
  // thousandths × thousandths = millionths of a dollar → cents
  return divRound(toScaled(gallons, 3) * toScaled(pricePerGallon, 3), 1_000_000, 2);
}

// The sticky canary bucket, as Unleash computes it: murmur3 (the maintained `murmurhash` package) of
// `feature:sub`, normalised to 0..99. `bucket < percent` → native, so raising the percentage only ever
// adds users to the native side and lowering it moves only the users at or above the new line.
import murmurhash from 'murmurhash';

const NON_ASCII = /[\u0080-\uffff]/; // any UTF-16 code unit outside ASCII
const encoder = new TextEncoder();

export function bucketOf(feature: string, sub: string): number {
  const key = `${feature}:${sub}`;
  // The package hashes char codes as bytes (ASCII only): hash the UTF-8 bytes of anything else.
  return murmurhash.v3(NON_ASCII.test(key) ? encoder.encode(key) : key) % 100;
}

/** Whether a user is on the native side of a canary at `percent` (0..100). */
export function inCanary(feature: string, sub: string, percent: number): boolean {
  if (percent <= 0) return false;
  if (percent >= 100) return true;
  return bucketOf(feature, sub) < percent;
}

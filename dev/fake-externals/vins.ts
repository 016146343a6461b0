// Random valid VINs for tests and benchmarks: each decodes through the fake vPIC as the clean decode
// (they start with 1, never the fake's partial-decode ZZ), and a fresh one starts with a cold cache.
import { randomInt } from 'node:crypto';

const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

export function randomVin(): string {
  let vin = '1';
  while (vin.length < 17) vin += VIN_CHARS[randomInt(VIN_CHARS.length)];
  return vin;
}

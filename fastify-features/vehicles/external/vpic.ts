// NHTSA vPIC DecodeVinValues client. Any failure (network, timeout, non-200, bad payload) → 502.
import type { Config } from '../../../src/config/config.ts';
import { AppError } from '../../../src/policy/errors.ts';
import type { VinDecode } from '../model.ts';
import { toVinDecode, vpicResultOf } from '../domain/decode.ts';

export type VpicConfig = Pick<Config, 'VPIC_BASE_URL' | 'VPIC_TIMEOUT_MS'>;

const failed = () => new AppError('EXTERNAL_SERVICE_ERROR', 'VIN decoding service failed');

/** `http` is the deps' external client (`fetch` in production). */
export async function decodeVinValues(config: VpicConfig, vin: string, http: typeof fetch): Promise<VinDecode> {
  const url = `${config.VPIC_BASE_URL.replace(/\/+$/, '')}/vehicles/DecodeVinValues/${encodeURIComponent(vin)}?format=json`;
  // One signal for the whole exchange, so a body that stalls counts against the same timeout.
  const signal = AbortSignal.timeout(config.VPIC_TIMEOUT_MS);
  let payload: unknown;
  try {
    const res = await http(url, { signal, headers: { accept: 'application/json' } });
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      throw failed();
    }
    payload = await res.json();
  } catch {
    throw failed();
  }
  const result = vpicResultOf(payload);
  if (!result) throw failed();
  return toVinDecode(vin, result);
}

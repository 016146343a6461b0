// Google Places Nearby Search (legacy JSON API), gas stations only. Every failure is a 502; messages
// never carry the API key or the upstream URL.
import { AppError } from '../../../src/policy/errors.ts';
import { toPlaceStations, type PlaceStation } from '../domain/stations.ts';

export interface PlacesConfig {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  /** The deps' external client (`fetch` in production). */
  http: typeof fetch;
}

export interface NearbyQuery {
  lat: string; // decimal text exactly as it goes on the wire
  lng: string;
  radius: number;
}

const failed = (message = 'Google Places request failed') => new AppError('EXTERNAL_SERVICE_ERROR', message);

export async function nearbyGasStations(cfg: PlacesConfig, q: NearbyQuery): Promise<PlaceStation[]> {
  const url = `${cfg.baseUrl.replace(/\/+$/, '')}/place/nearbysearch/json?location=${q.lat},${q.lng}`
    + `&radius=${q.radius}&type=gas_station&key=${encodeURIComponent(cfg.apiKey)}`;
  let body: unknown;
  try {
    const res = await cfg.http(url, { signal: AbortSignal.timeout(cfg.timeoutMs), headers: { accept: 'application/json' } });
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      throw failed(`Google Places answered HTTP ${res.status}`);
    }
    body = await res.json(); // the timeout signal also bounds reading the body
  } catch (err) {
    if (err instanceof AppError) throw err;
    if ((err as Error)?.name === 'TimeoutError') throw failed('Google Places did not answer in time');
    throw failed(); // network error or unparseable body
  }

  const { status, results } = (body ?? {}) as { status?: unknown; results?: unknown };
  if (status === 'ZERO_RESULTS') return [];
  if (status !== 'OK') {
    const shown = typeof status === 'string' && /^[A-Z_]{1,40}$/.test(status) ? status : 'an unexpected status';
    throw failed(`Google Places answered ${shown}`);
  }
  if (!Array.isArray(results)) throw failed();
  return toPlaceStations(results);
}

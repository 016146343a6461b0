// Test helpers for the stations feature: an extra legacy app + native gateway built from the harness's
// environment with overrides (no API key, Redis unreachable), and shared request builders.

export { startPair, type BackendPair } from '../../helper.ts';

export const searchPath = (lat: number | string, lng: number | string, radius?: number | string) =>
  `/api/stations/search?lat=${lat}&lng=${lng}${radius === undefined ? '' : `&radius=${radius}`}`;

export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** A valid POST /api/stations/saved body; `placeId` is unique per call unless given. */
export function savedBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { placeId: `place-${Math.random().toString(36).slice(2)}`, name: 'Repsol', lat: 37.712465, lng: -5.0804691, ...over };
}

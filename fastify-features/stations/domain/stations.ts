// Google Places Nearby Search results → the API's station items, ranked by distance from the query point.
import type { Station } from '../model.ts';
import { haversineMeters, type LatLng } from './distance.ts';

/** A station as Places describes it, independent of where the search was made (this is what is cached). */
export type PlaceStation = Omit<Station, 'distanceMeters'>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const int = (v: unknown): number | null => (Number.isInteger(v) ? (v as number) : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
/** `v[key]` when v is an object, else undefined (like `v?.[key]` on parsed JSON). */
const field = (v: unknown, key: string): unknown => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined);

/**
 * Maps Places `results` entries to stations. An entry without a `place_id` or numeric
 * `geometry.location` cannot be placed or saved, so it is skipped rather than failing the search.
 */
export function toPlaceStations(results: unknown[]): PlaceStation[] {
  const out: PlaceStation[] = [];
  for (const r of results) {
    if (!r || typeof r !== 'object') continue;
    const p = r as Record<string, unknown>;
    const placeId = str(p.place_id);
    const location = field(p.geometry, 'location');
    const lat = num(field(location, 'lat'));
    const lng = num(field(location, 'lng'));
    if (!placeId || lat === null || lng === null) continue;
    out.push({
      placeId,
      name: str(p.name),
      address: str(p.vicinity) ?? str(p.formatted_address),
      lat,
      lng,
      rating: num(p.rating),
      userRatingsTotal: int(p.user_ratings_total),
      openNow: bool(field(p.opening_hours, 'open_now')),
    });
  }
  return out;
}

/** Adds `distanceMeters` (rounded to whole metres) from `origin`; nearest first, ties by placeId. */
export function rankByDistance(stations: readonly PlaceStation[], origin: LatLng): Station[] {
  return stations
    .map((s) => ({ ...s, distanceMeters: Math.round(haversineMeters(origin, s)) }))
    .sort((a, b) => a.distanceMeters - b.distanceMeters || (a.placeId < b.placeId ? -1 : a.placeId > b.placeId ? 1 : 0));
}

// The stations use cases, called by both the Fastify capsule and the legacy Express router.
import type { Deps } from '../../src/infrastructure/deps.ts';
import { AppError, conflict, notFound } from '../../src/policy/errors.ts';
import { cacheKeys, cacheTtlSeconds, cached } from '../../src/infrastructure/cache.ts';
import type {
  CreateSavedBody, SavedListResponse, SavedStation, SearchQuery, SearchResponse, UpdateSavedBody,
} from './model.ts';
import { rankByDistance, type PlaceStation } from './domain/stations.ts';
import { nearbyGasStations } from './external/places-client.ts';
import * as repo from './data/saved-stations-repository.ts';

/**
 * Nearby gas stations. Queries whose lat/lng round to the same 3 decimals share one cache key, so the
 * cache holds the place list only (no distances), fetched for the rounded point; distances are
 * computed per request from the caller's exact point.
 */
export async function searchStations(deps: Deps, _userId: string, q: SearchQuery): Promise<SearchResponse> {
  const { GOOGLE_MAPS_API_KEY: apiKey, GOOGLE_MAPS_BASE_URL: baseUrl, GOOGLE_MAPS_TIMEOUT_MS: timeoutMs } = deps.config;
  if (!apiKey) throw new AppError('SERVICE_UNAVAILABLE', 'Station search is not configured');
  // "-0.000" and "0.000" must not be two keys; -0.0001 rounds to -0, which toFixed prints as "-0.000".
  const lat = Number(q.lat.toFixed(3)) + 0;
  const lng = Number(q.lng.toFixed(3)) + 0;
  const places = await cached<PlaceStation[]>(
    deps.cache,
    cacheKeys.stationSearch(lat, lng, q.radius),
    cacheTtlSeconds.stationSearch,
    () => nearbyGasStations({ baseUrl, apiKey, timeoutMs, http: deps.externalFetch }, { lat: lat.toFixed(3), lng: lng.toFixed(3), radius: q.radius }),
  );
  return { items: rankByDistance(places, { lat: q.lat, lng: q.lng }) };
}

export async function listSavedStations(deps: Deps, userId: string): Promise<SavedListResponse> {
  return { items: await repo.listSaved(deps.db, userId) };
}

export async function getSavedStation(deps: Deps, userId: string, id: string): Promise<SavedStation> {
  const found = await repo.findSaved(deps.db, userId, id);
  if (!found) throw notFound();
  return found;
}

export async function saveStation(deps: Deps, userId: string, input: CreateSavedBody): Promise<SavedStation> {
  const created = await repo.insertSaved(deps.db, userId, input);
  if (!created) throw conflict('Station already saved');
  return created;
}

export async function updateSavedStation(deps: Deps, userId: string, id: string, patch: UpdateSavedBody): Promise<SavedStation> {
  const updated = await repo.updateSaved(deps.db, userId, id, patch);
  if (!updated) throw notFound();
  return updated;
}

export async function deleteSavedStation(deps: Deps, userId: string, id: string): Promise<void> {
  if (!(await repo.deleteSaved(deps.db, userId, id))) throw notFound();
}


// Places Nearby Search answers, chosen by key and location so tests can reach every recorded shape:
// bad key → REQUEST_DENIED; |lat|,|lng| < 1 → ZERO_RESULTS; 10 ≤ lat < 11 → the text-search results
// (formatted_address, some without opening_hours); anything else → the recorded nearby search.
import { fixtures, type PlacesEnvelope } from './fixtures.ts';

export function nearbySearch(query: URLSearchParams, apiKey: string): PlacesEnvelope {
  if (query.get('key') !== apiKey) return fixtures.requestDenied;
  const [lat, lng] = (query.get('location') ?? '').split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) {
    // What Places answers for a missing or malformed location (not recorded; documented status).
    return { html_attributions: [], results: [], status: 'INVALID_REQUEST' };
  }
  if (Math.abs(lat) < 1 && Math.abs(lng) < 1) return fixtures.zeroResults;
  if (lat >= 10 && lat < 11) return { html_attributions: [], results: fixtures.textsearch.results, status: 'OK' };
  return fixtures.nearby;
}

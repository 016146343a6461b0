// Recorded vPIC and Google Places responses (copied from the shared fixtures; the project never reads ../shared).
import { readFileSync } from 'node:fs';

const load = <T = Record<string, unknown>>(rel: string): T =>
  JSON.parse(readFileSync(new URL(`./fixtures/${rel}`, import.meta.url), 'utf8')) as T;

export interface VpicEnvelope {
  Count: number;
  Message: string;
  SearchCriteria: string;
  Results: Record<string, string>[];
}

export interface PlacesEnvelope {
  html_attributions: unknown[];
  results: Record<string, unknown>[];
  status: string;
  error_message?: string;
  next_page_token?: string;
}

export const CLEAN_VIN = '1HGCM82633A004352';

export const fixtures = {
  vpicClean: load<VpicEnvelope>(`vpic/DecodeVinValues-${CLEAN_VIN}.json`),
  vpicPartial: load<VpicEnvelope>('vpic/DecodeVinValues-partial-errors.json'),
  nearby: load<PlacesEnvelope>('places/nearbysearch-fuente-palmera.json'),
  textsearch: load<PlacesEnvelope>('places/textsearch-gas-stations-fuente-palmera.json'),
  zeroResults: load<PlacesEnvelope>('places/nearbysearch-zero-results.json'),
  requestDenied: load<PlacesEnvelope>('places/nearbysearch-request-denied.json'),
  overQueryLimit: load<PlacesEnvelope>('places/nearbysearch-over-query-limit.json'),
};

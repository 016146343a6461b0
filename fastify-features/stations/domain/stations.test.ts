import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankByDistance, toPlaceStations, type PlaceStation } from './stations.ts';

const station = (placeId: string, lat: number, lng: number): PlaceStation => ({
  placeId, name: placeId, address: null, lat, lng, rating: null, userRatingsTotal: null, openNow: null,
});

test('maps every Places field, absent ones to null', () => {
  const out = toPlaceStations([
    {
      place_id: 'A', name: 'Full', vicinity: 'Main St 1', formatted_address: 'Main St 1, Town',
      geometry: { location: { lat: 1.5, lng: -2.25 } }, rating: 4.7, user_ratings_total: 19, opening_hours: { open_now: true },
    },
    { place_id: 'B', name: 'Bare', geometry: { location: { lat: 0, lng: 0 } } },
    { place_id: 'C', name: 'Text search', formatted_address: 'Elm St 2, Town', geometry: { location: { lat: 3, lng: 4 } }, opening_hours: {} },
    { place_id: 'D', name: 'Closed', geometry: { location: { lat: 5, lng: 6 } }, rating: 3, opening_hours: { open_now: false } },
  ]);
  assert.deepEqual(out, [
    { placeId: 'A', name: 'Full', address: 'Main St 1', lat: 1.5, lng: -2.25, rating: 4.7, userRatingsTotal: 19, openNow: true },
    { placeId: 'B', name: 'Bare', address: null, lat: 0, lng: 0, rating: null, userRatingsTotal: null, openNow: null },
    { placeId: 'C', name: 'Text search', address: 'Elm St 2, Town', lat: 3, lng: 4, rating: null, userRatingsTotal: null, openNow: null },
    { placeId: 'D', name: 'Closed', address: null, lat: 5, lng: 6, rating: 3, userRatingsTotal: null, openNow: false },
  ]);
});

test('skips entries that cannot be placed, and wrongly typed values become null', () => {
  const out = toPlaceStations([
    null, 'x', { name: 'no id', geometry: { location: { lat: 1, lng: 1 } } },
    { place_id: 'E', name: 'no geometry' },
    { place_id: 'F', geometry: { location: { lat: '1', lng: 2 } } },
    { place_id: 'G', name: 7, vicinity: 8, geometry: { location: { lat: 1, lng: 2 } }, rating: '4', user_ratings_total: 2.5, opening_hours: { open_now: 'yes' } },
  ]);
  assert.deepEqual(out, [
    { placeId: 'G', name: null, address: null, lat: 1, lng: 2, rating: null, userRatingsTotal: null, openNow: null },
  ]);
});

test('ranks by rounded distance from the origin, ties by placeId', () => {
  // From (0,0): 1° of longitude on the equator = 6371008.8 × π/180 = 111195.08 m → 111195
  // 0.5° = 55597.54 → 55598; 0.001° = 111.195 → 111; both "Y" and "X" at 0.5° tie → X before Y
  const ranked = rankByDistance(
    [station('far', 0, 1), station('Y', 0.5, 0), station('X', 0, 0.5), station('near', 0, 0.001)],
    { lat: 0, lng: 0 },
  );
  assert.deepEqual(ranked.map((s) => [s.placeId, s.distanceMeters]), [
    ['near', 111], ['X', 55598], ['Y', 55598], ['far', 111195],
  ]);
});

test('distances depend on the actual query point, not on the cached list', () => {
  // Two searches 0.0004° apart share one cache key (both round to 0.000); distances differ:
  // from (0,0) to (0,0.01): 0.01° = 1111.95 m → 1112; from (0,0.0004): 0.0096° = 1067.47 m → 1067
  const list = [station('S', 0, 0.01)];
  assert.equal(rankByDistance(list, { lat: 0, lng: 0 })[0].distanceMeters, 1112);
  assert.equal(rankByDistance(list, { lat: 0, lng: 0.0004 })[0].distanceMeters, 1067);
});

test('fixture: Fuente Palmera nearby search, ranked from the town centre', () => {
  // Origin is the first result's own location → 0 m. Others (haversine, R = 6371008.8 m):
  // Comunidad de Regantes (37.7054, -5.10507): Δλ = −0.0048497° ≈ 426.66 m → 427
  // Electromecánica (37.7092681, -5.0988284): ≈ 450.91 m → 451
  // Casa Rural (37.7154744, -5.0700609): ≈ 2881.36 m → 2881
  const results = [
    { place_id: 'ChIJ65Bkb4fSEg0RRd5kIZITgWA', name: 'Fuente Palmera', vicinity: 'Fuente Palmera', geometry: { location: { lat: 37.7053654, lng: -5.1002203 } } },
    { place_id: 'ChIJcUVFCI_SEg0RqyAWWsYE9qs', name: 'CASA RURAL ECUESTRE', geometry: { location: { lat: 37.71547440000001, lng: -5.0700609 } } },
    { place_id: 'ChIJuxAZK4bSEg0RlPfcJlnQpcM', name: 'ELECTROMECANICA', geometry: { location: { lat: 37.7092681, lng: -5.098828399999999 } } },
    { place_id: 'ChIJtz1_EXzSEg0RO4X7yjiU778', name: 'Comunidad de Regantes', geometry: { location: { lat: 37.7054, lng: -5.10507 } } },
  ];
  const ranked = rankByDistance(toPlaceStations(results), { lat: 37.7053654, lng: -5.1002203 });
  assert.deepEqual(ranked.map((s) => [s.name, s.distanceMeters]), [
    ['Fuente Palmera', 0], ['Comunidad de Regantes', 427], ['ELECTROMECANICA', 451], ['CASA RURAL ECUESTRE', 2881],
  ]);
});

test('empty list stays empty', () => {
  assert.deepEqual(rankByDistance([], { lat: 0, lng: 0 }), []);
});

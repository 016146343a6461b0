import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EARTH_RADIUS_M, haversineMeters } from './distance.ts';

test('radius is the IUGG mean Earth radius', () => {
  assert.equal(EARTH_RADIUS_M, 6371008.8);
});

test('same point is 0 m', () => {
  assert.equal(haversineMeters({ lat: 37.7053654, lng: -5.1002203 }, { lat: 37.7053654, lng: -5.1002203 }), 0);
});

test('one degree of longitude on the equator', () => {
  // Δφ = 0, Δλ = 1° = π/180 = 0.0174532925 rad → a = sin²(Δλ/2), c = 2·asin(√a) = Δλ
  // d = 6371008.8 × 0.0174532925 = 111195.080 m
  const d = haversineMeters({ lat: 0, lng: 0 }, { lat: 0, lng: 1 });
  assert.equal(Math.round(d), 111195);
  assert.ok(Math.abs(d - 111195.0802) < 0.001);
});

test('one degree of latitude along a meridian is the same arc', () => {
  // Δφ = 1°, Δλ = 0 → c = Δφ → 111195.080 m
  assert.equal(Math.round(haversineMeters({ lat: 10, lng: 20 }, { lat: 11, lng: 20 })), 111195);
});

test('one degree of longitude at 60° N is about half as long', () => {
  // a = cos²60° · sin²(0.5°) = 0.25 × 0.0087265355² = 0.0000190381
  // √a = 0.0043632677, c = 2·asin(√a) = 0.0087265632 rad
  // d = 6371008.8 × 0.0087265632 = 55597.011 m
  assert.equal(Math.round(haversineMeters({ lat: 60, lng: 0 }, { lat: 60, lng: 1 })), 55597);
});

test('equator to pole is a quarter circumference', () => {
  // c = π/2 → d = 6371008.8 × 1.5707963268 = 10007557.221 m
  assert.equal(Math.round(haversineMeters({ lat: 0, lng: 0 }, { lat: 90, lng: 0 })), 10007557);
});

test('antipodes are half the circumference (no NaN from rounding)', () => {
  // c = π → d = 6371008.8 × 3.1415926536 = 20015114.442 m
  assert.equal(Math.round(haversineMeters({ lat: 0, lng: 0 }, { lat: 0, lng: 180 })), 20015114);
});

test('crossing the antimeridian takes the short way', () => {
  // 179.5° E to 179.5° W: Δλ = −359° ≡ 1°, sin²(Δλ/2) is the same → 111195 m, not 359 × that
  assert.equal(Math.round(haversineMeters({ lat: 0, lng: 179.5 }, { lat: 0, lng: -179.5 })), 111195);
});

test('symmetric', () => {
  const a = { lat: 37.7053654, lng: -5.1002203 };
  const b = { lat: 37.7154744, lng: -5.0700609 };
  assert.equal(haversineMeters(a, b), haversineMeters(b, a));
});

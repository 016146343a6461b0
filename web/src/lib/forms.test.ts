// Form rules of the web app: what a form's strings become, and what is refused before sending.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBody, changedFields, coordinateErrors, fileProblem, normalizeVin, parseNumber, valuesFrom, vinProblem, PHOTO_MAX_BYTES, PHOTO_TYPES } from './forms.ts';

test('VINs are trimmed and upper-cased, then checked for the API\'s shape', () => {
  assert.equal(normalizeVin(' 1hgcm82633a004352 '), '1HGCM82633A004352');
  assert.equal(vinProblem('1hgcm82633a004352'), undefined);
  assert.equal(vinProblem(''), 'Required');
  assert.equal(vinProblem('1HGCM82633A00435'), 'Must be 17 characters (has 16)');
  assert.equal(vinProblem('1HGCM82633A00435O'), 'VINs never contain the letters I, O or Q');
  assert.equal(vinProblem('1HGCM82633A00435-'), 'Only letters and digits');
});

test('numbers as people type them', () => {
  assert.equal(parseNumber('1,234.5'), 1234.5);
  assert.equal(parseNumber(' 12 '), 12);
  assert.equal(parseNumber('.5'), 0.5);
  assert.equal(parseNumber('-3'), -3);
  for (const bad of ['', 'abc', '1e3', '1.2.3', '12abc', 'Infinity']) assert.equal(parseNumber(bad), undefined, bad);
});

test('bodies: required fields, numbers, booleans; empty optional fields omitted or null as specified', () => {
  const specs = {
    make: { type: 'text', required: true }, year: { type: 'int', required: true }, gallons: { type: 'decimal' },
    fullTank: { type: 'bool' }, nickname: { type: 'text' }, notes: { type: 'text', empty: 'null' },
  } as const;
  assert.deepEqual(buildBody(specs, { make: ' Ford ', year: '1999', gallons: '10.5', fullTank: true, nickname: '', notes: '' }),
    { body: { make: 'Ford', year: 1999, gallons: 10.5, fullTank: true, notes: null }, errors: {} });
  assert.deepEqual(buildBody(specs, { make: '', year: '19.5', gallons: 'x', fullTank: false, nickname: 'a', notes: 'b' }).errors,
    { make: 'Required', year: 'Must be a whole number', gallons: 'Must be a number' });
  // Ranges are the API's to judge (its message is shown beside the field): 1850 goes through.
  assert.deepEqual(buildBody(specs, { make: 'Ford', year: '1850' }).errors, {});
});

test('partial updates carry only what changed', () => {
  const original = { make: 'Ford', year: 1999, nickname: null, odometer: 100 };
  assert.deepEqual(changedFields({ make: 'Ford', year: 2000, nickname: null, odometer: 100 }, original), { year: 2000 });
  assert.deepEqual(changedFields({ make: 'Ford', nickname: 'Old' }, original), { nickname: 'Old' });
  assert.deepEqual(changedFields({ make: 'Ford' }, original), {});
});

test('a resource becomes form strings (null → empty, booleans stay booleans)', () => {
  assert.deepEqual(valuesFrom({ gallons: 10.5, notes: null, fullTank: false }, { gallons: { type: 'decimal' }, notes: { type: 'text' }, fullTank: { type: 'bool' } }),
    { gallons: '10.5', notes: '', fullTank: false });
});

test('uploads are checked for type and size before they leave the browser', () => {
  assert.equal(fileProblem({ type: 'image/png', size: 10 }, PHOTO_TYPES, PHOTO_MAX_BYTES), undefined);
  assert.equal(fileProblem({ type: 'image/gif', size: 10 }, PHOTO_TYPES, PHOTO_MAX_BYTES), 'Choose a JPEG, PNG, WEBP file');
  assert.equal(fileProblem({ type: 'image/png', size: PHOTO_MAX_BYTES + 1 }, PHOTO_TYPES, PHOTO_MAX_BYTES), 'The file is larger than 5 MB');
});

test('coordinates for a station search', () => {
  assert.deepEqual(coordinateErrors('37.7', '-5.1'), {});
  assert.deepEqual(coordinateErrors('', 'x'), { lat: 'Required', lng: 'Must be a number' });
  assert.deepEqual(coordinateErrors('91', '-181'), { lat: 'Must be between -90 and 90', lng: 'Must be between -180 and 180' });
});

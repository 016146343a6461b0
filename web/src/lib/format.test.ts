// Display formatting of the web app (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fmt from './format.ts';

test('numbers group thousands and keep fixed decimals; null is a dash', () => {
  assert.equal(fmt.number(1234567.891, 2), '1,234,567.89');
  assert.equal(fmt.number(0), '0');
  assert.equal(fmt.number(-1234.5, 1), '-1,234.5');
  assert.equal(fmt.number(-0.001, 2), '0.00');
  assert.equal(fmt.number(null), '—');
  assert.equal(fmt.number(Number.NaN), '—');
});

test('money, prices, mpg, gallons and miles', () => {
  assert.equal(fmt.money(71.34), '$71.34');
  assert.equal(fmt.money(1500), '$1,500.00');
  assert.equal(fmt.money(null), '—');
  assert.equal(fmt.price(3.459), '$3.459');
  assert.equal(fmt.price(3.5), '$3.50');
  assert.equal(fmt.price(3.1), '$3.10', 'binary fractions are not mistaken for a third decimal');
  assert.equal(fmt.mpg(28.57), '28.57 mpg');
  assert.equal(fmt.mpg(30), '30.00 mpg');
  assert.equal(fmt.mpg(null), '—');
  assert.equal(fmt.gallons(10.5), '10.5 gal');
  assert.equal(fmt.gallons(12.125), '12.125 gal');
  assert.equal(fmt.gallons(10), '10 gal');
  assert.equal(fmt.miles(15300), '15,300 mi');
});

test('station distances in miles', () => {
  assert.equal(fmt.distance(500), '0.31 mi');
  assert.equal(fmt.distance(0), '0.00 mi');
  assert.equal(fmt.distance(20_000), '12.4 mi');
});

test('dates are calendar dates, never shifted by the time zone', () => {
  assert.equal(fmt.date('2026-02-01'), 'Feb 1, 2026');
  assert.equal(fmt.date('2026-12-31T23:59:59.000Z'), 'Dec 31, 2026');
  assert.equal(fmt.date(null), '—');
  assert.equal(fmt.today(new Date(2026, 0, 5, 23, 30)), '2026-01-05');
});

test('days and miles left read as sentences', () => {
  assert.equal(fmt.daysLeft(12), 'in 12 days');
  assert.equal(fmt.daysLeft(1), 'in 1 day');
  assert.equal(fmt.daysLeft(0), 'due today');
  assert.equal(fmt.daysLeft(-3), '3 days overdue');
  assert.equal(fmt.daysLeft(null), '—');
  assert.equal(fmt.milesLeft(5000), '5,000 mi left');
  assert.equal(fmt.milesLeft(-250), '250 mi overdue');
});

test('labels: maintenance types, upcoming statuses, vehicle names', () => {
  assert.equal(fmt.maintenanceType('oil_change'), 'Oil change');
  assert.equal(fmt.maintenanceType('transmission_service'), 'Transmission service');
  assert.equal(fmt.upcomingStatus('due_soon'), 'Due soon');
  assert.equal(fmt.upcomingStatus('overdue'), 'Overdue');
  const v = { year: 2003, make: 'HONDA', model: 'Accord', nickname: null };
  assert.equal(fmt.vehicleTitle(v), '2003 HONDA Accord');
  assert.equal(fmt.vehicleName(v), '2003 HONDA Accord');
  assert.equal(fmt.vehicleName({ ...v, nickname: 'Daily' }), 'Daily');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeUpcoming, statusOf, upcomingItem, type ScheduleFacts } from './upcoming.ts';

const facts = (over: Partial<ScheduleFacts>): ScheduleFacts => ({
  scheduleId: 's', type: 'oil_change', intervalMiles: null, intervalMonths: null,
  lastServiceDate: null, lastServiceOdometer: null, ...over,
});

test('due by both date and miles; the nearer one decides the status', () => {
  // Oil change 2025-10-15 at 42,000 mi, every 5,000 mi / 6 months; vehicle at 46,700; as of 2026-03-20.
  // dueDate = 2025-10-15 + 6 months = 2026-04-15; days = 11 (rest of March) + 15 = 26 → ≤ 30 → due_soon
  // dueOdometer = 42,000 + 5,000 = 47,000; miles = 47,000 − 46,700 = 300
  const item = upcomingItem(facts({ scheduleId: 'a', intervalMiles: 5000, intervalMonths: 6, lastServiceDate: '2025-10-15', lastServiceOdometer: 42000 }), 46700, '2026-03-20');
  assert.deepEqual(item, {
    scheduleId: 'a', type: 'oil_change', lastServiceDate: '2025-10-15', lastServiceOdometer: 42000,
    dueDate: '2026-04-15', dueOdometer: 47000, daysRemaining: 26, milesRemaining: 300, status: 'due_soon',
  });
});

test('overdue when the miles are past due even if the date is far away', () => {
  // Tire rotation 2025-12-01 at 40,000 mi, every 6,000 mi / 12 months; vehicle at 46,700; as of 2026-03-20.
  // dueOdometer = 46,000 → miles = 46,000 − 46,700 = −700 → overdue
  // dueDate = 2026-12-01; days = 11 (Mar) + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 (Apr..Nov) + 1 = 256
  const item = upcomingItem(facts({ type: 'tire_rotation', intervalMiles: 6000, intervalMonths: 12, lastServiceDate: '2025-12-01', lastServiceOdometer: 40000 }), 46700, '2026-03-20');
  assert.equal(item.dueDate, '2026-12-01');
  assert.equal(item.daysRemaining, 256);
  assert.equal(item.dueOdometer, 46000);
  assert.equal(item.milesRemaining, -700);
  assert.equal(item.status, 'overdue');
});

test('months only, record without odometer: miles stay null', () => {
  // Inspection 2025-06-30 (no odometer), every 12 months; as of 2026-03-20.
  // dueDate = 2026-06-30; days = 11 (Mar) + 30 (Apr) + 31 (May) + 30 (Jun) = 102 → ok
  const item = upcomingItem(facts({ type: 'inspection', intervalMonths: 12, lastServiceDate: '2025-06-30' }), 46700, '2026-03-20');
  assert.deepEqual([item.dueDate, item.daysRemaining, item.dueOdometer, item.milesRemaining, item.status], ['2026-06-30', 102, null, null, 'ok']);
});

test('miles interval but last record has no odometer: unknown', () => {
  const item = upcomingItem(facts({ intervalMiles: 5000, lastServiceDate: '2026-01-01' }), 1000, '2026-03-20');
  assert.deepEqual([item.dueDate, item.dueOdometer, item.daysRemaining, item.milesRemaining, item.status], [null, null, null, null, 'unknown']);
});

test('no service record at all: every derived value null, unknown', () => {
  const item = upcomingItem(facts({ type: 'battery', intervalMiles: 30000, intervalMonths: 48 }), 1000, '2026-03-20');
  assert.deepEqual(item, {
    scheduleId: 's', type: 'battery', lastServiceDate: null, lastServiceOdometer: null,
    dueDate: null, dueOdometer: null, daysRemaining: null, milesRemaining: null, status: 'unknown',
  });
});

test('a due date past a short month end is clamped, then counted from asOf', () => {
  // 2026-01-31 + 1 month = 2026-02-28 (clamped); from 2026-02-01 that is 27 days → due_soon
  const item = upcomingItem(facts({ intervalMonths: 1, lastServiceDate: '2026-01-31' }), 0, '2026-02-01');
  assert.equal(item.dueDate, '2026-02-28');
  assert.equal(item.daysRemaining, 27);
  assert.equal(item.status, 'due_soon');
});

test('asOf after the due date gives negative days', () => {
  // due 2026-04-15, as of 2026-04-20 → −5 → overdue
  const item = upcomingItem(facts({ intervalMonths: 6, lastServiceDate: '2025-10-15' }), 0, '2026-04-20');
  assert.equal(item.daysRemaining, -5);
  assert.equal(item.status, 'overdue');
});

test('status thresholds: < 0 overdue, days ≤ 30 or miles ≤ 500 due soon, else ok', () => {
  assert.equal(statusOf(-1, null), 'overdue');
  assert.equal(statusOf(null, -1), 'overdue');
  assert.equal(statusOf(400, -1), 'overdue'); // either one below zero
  assert.equal(statusOf(0, null), 'due_soon');
  assert.equal(statusOf(30, null), 'due_soon');
  assert.equal(statusOf(31, null), 'ok');
  assert.equal(statusOf(null, 500), 'due_soon');
  assert.equal(statusOf(null, 501), 'ok');
  assert.equal(statusOf(200, 500), 'due_soon'); // miles alone make it due soon
  assert.equal(statusOf(31, 501), 'ok');
  assert.equal(statusOf(null, null), 'unknown');
});

test('ordered overdue, due_soon, ok, unknown, then alphabetically by type', () => {
  // vehicle at 10,000 mi, as of 2026-03-20
  const items = computeUpcoming([
    facts({ scheduleId: '1', type: 'other', intervalMiles: 1000 }), // no record → unknown
    facts({ scheduleId: '2', type: 'battery', intervalMonths: 12, lastServiceDate: '2026-01-01' }), // due 2027-01-01 → ok
    facts({ scheduleId: '3', type: 'air_filter', intervalMiles: 100 }), // unknown
    facts({ scheduleId: '4', type: 'tire_rotation', intervalMiles: 1000, lastServiceOdometer: 9000, lastServiceDate: '2026-01-01' }), // 10,000 − 10,000 = 0 → due_soon
    facts({ scheduleId: '5', type: 'coolant_flush', intervalMiles: 500, lastServiceOdometer: 9000, lastServiceDate: '2026-01-01' }), // 9,500 − 10,000 = −500 → overdue
    facts({ scheduleId: '6', type: 'brake_service', intervalMonths: 1, lastServiceDate: '2026-03-01' }), // due 2026-04-01, 12 days → due_soon
  ], 10000, '2026-03-20');
  assert.deepEqual(items.map((i) => [i.status, i.type]), [
    ['overdue', 'coolant_flush'],
    ['due_soon', 'brake_service'],
    ['due_soon', 'tire_rotation'],
    ['ok', 'battery'],
    ['unknown', 'air_filter'],
    ['unknown', 'other'],
  ]);
  assert.deepEqual(items.find((i) => i.type === 'brake_service')?.daysRemaining, 12); // 11 days left in March + 1
});

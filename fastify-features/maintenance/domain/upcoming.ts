// "Upcoming" of API.md: when each scheduled service is next due, from its last service record.
import { addMonths, daysBetween } from './dates.ts';
import { compareType } from './types.ts';

export const DUE_SOON_DAYS = 30;
export const DUE_SOON_MILES = 500;

export type UpcomingStatus = 'overdue' | 'due_soon' | 'ok' | 'unknown';
const STATUS_ORDER: readonly UpcomingStatus[] = ['overdue', 'due_soon', 'ok', 'unknown'];

/** One schedule with the date and odometer of its last service record (nulls when there is none). */
export interface ScheduleFacts {
  scheduleId: string;
  type: string;
  intervalMiles: number | null;
  intervalMonths: number | null;
  lastServiceDate: string | null;
  lastServiceOdometer: number | null;
}

export interface UpcomingItem {
  scheduleId: string;
  type: string;
  lastServiceDate: string | null;
  lastServiceOdometer: number | null;
  dueDate: string | null;
  dueOdometer: number | null;
  daysRemaining: number | null;
  milesRemaining: number | null;
  status: UpcomingStatus;
}

export function statusOf(daysRemaining: number | null, milesRemaining: number | null): UpcomingStatus {
  const days = daysRemaining, miles = milesRemaining;
  if ((days !== null && days < 0) || (miles !== null && miles < 0)) return 'overdue';
  if ((days !== null && days <= DUE_SOON_DAYS) || (miles !== null && miles <= DUE_SOON_MILES)) return 'due_soon';
  if (days !== null || miles !== null) return 'ok';
  return 'unknown';
}

export function upcomingItem(f: ScheduleFacts, vehicleOdometer: number, asOf: string): UpcomingItem {
  const dueDate = f.lastServiceDate !== null && f.intervalMonths !== null ? addMonths(f.lastServiceDate, f.intervalMonths) : null;
  const dueOdometer = f.lastServiceOdometer !== null && f.intervalMiles !== null ? f.lastServiceOdometer + f.intervalMiles : null;
  const daysRemaining = dueDate !== null ? daysBetween(asOf, dueDate) : null;
  const milesRemaining = dueOdometer !== null ? dueOdometer - vehicleOdometer : null;
  return {
    scheduleId: f.scheduleId,
    type: f.type,
    lastServiceDate: f.lastServiceDate,
    lastServiceOdometer: f.lastServiceOdometer,
    dueDate,
    dueOdometer,
    daysRemaining,
    milesRemaining,
    status: statusOf(daysRemaining, milesRemaining),
  };
}

/** overdue, due_soon, ok, unknown; then alphabetical by type (one schedule per type and vehicle). */
export function compareUpcoming(a: UpcomingItem, b: UpcomingItem): number {
  return STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || compareType(a.type, b.type);
}

export function computeUpcoming(schedules: readonly ScheduleFacts[], vehicleOdometer: number, asOf: string): UpcomingItem[] {
  return schedules.map((s) => upcomingItem(s, vehicleOdometer, asOf)).sort(compareUpcoming);
}

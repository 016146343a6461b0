// Display formatting: numbers, money, distances, dates and labels, independent of the user's locale
// settings so what the page shows is predictable (US units, as the API's gallons and miles are).
import type { MaintenanceType, UpcomingStatus, Vehicle } from './types.ts';

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 1234.5 → "1,234.50" with `decimals` fixed decimals; null → "—". */
export function number(value: number | null | undefined, decimals = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const [int, frac] = Math.abs(value).toFixed(decimals).split('.');
  const sign = value < 0 && Number(Math.abs(value).toFixed(decimals)) !== 0 ? '-' : '';
  return sign + group(int) + (frac ? `.${frac}` : '');
}

export const money = (value: number | null | undefined) => (value === null || value === undefined ? '—' : (value < 0 ? '-$' : '$') + number(Math.abs(value), 2));
/** Prices per gallon keep the API's third decimal when they have one: $3.459, $3.50. */
export function price(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const cents = value * 100;
  return `$${number(value, Math.abs(cents - Math.round(cents)) < 1e-6 ? 2 : 3)}`;
}
export const mpg = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${number(value, 2)} mpg`);
export const gallons = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${number(value, 3).replace(/\.?0+$/, '')} gal`);
export const miles = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${number(value)} mi`);

/** Metres → miles for station distances: "0.31 mi", "12.4 mi". */
export function distance(meters: number): string {
  const mi = meters / 1609.344;
  return `${number(mi, mi < 10 ? 2 : 1)} mi`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-02-01" → "Feb 1, 2026" (read as a calendar date, never shifted by the time zone). */
export function date(value: string | null | undefined): string {
  if (!value) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return value;
  return `${MONTHS[Number(m[2]) - 1]} ${Number(m[3])}, ${m[1]}`;
}

/** Today's calendar date in the user's time zone as YYYY-MM-DD (the default date of new entries). */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const TYPE_LABELS: Record<MaintenanceType, string> = {
  oil_change: 'Oil change', tire_rotation: 'Tire rotation', brake_service: 'Brake service',
  inspection: 'Inspection', battery: 'Battery', air_filter: 'Air filter',
  transmission_service: 'Transmission service', coolant_flush: 'Coolant flush', other: 'Other',
};
export const maintenanceType = (t: MaintenanceType) => TYPE_LABELS[t] ?? t;

const STATUS_LABELS: Record<UpcomingStatus, string> = { overdue: 'Overdue', due_soon: 'Due soon', ok: 'OK', unknown: 'Unknown' };
export const upcomingStatus = (s: UpcomingStatus) => STATUS_LABELS[s] ?? s;

/** "in 12 days" / "3 days overdue" / "today". */
export function daysLeft(days: number | null): string {
  if (days === null) return '—';
  if (days === 0) return 'due today';
  const n = Math.abs(days);
  const unit = n === 1 ? 'day' : 'days';
  return days > 0 ? `in ${number(n)} ${unit}` : `${number(n)} ${unit} overdue`;
}

export function milesLeft(value: number | null): string {
  if (value === null) return '—';
  return value >= 0 ? `${number(value)} mi left` : `${number(-value)} mi overdue`;
}

/** "2003 Honda Accord". */
export const vehicleTitle = (v: Pick<Vehicle, 'year' | 'make' | 'model'>) => `${v.year} ${v.make} ${v.model}`;
/** The nickname when there is one, else the title. */
export const vehicleName = (v: Pick<Vehicle, 'year' | 'make' | 'model' | 'nickname'>) => v.nickname || vehicleTitle(v);

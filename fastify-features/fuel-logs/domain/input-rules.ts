// Input rules beyond what the JSON schemas express, shared by create and update:
// decimal places of quantities (API.md: gallons/prices ≤ 3 decimals, money ≤ 2) and the date window.
import { hasAtMostDecimals } from './decimal.ts';
import { logDateProblem } from './log-date.ts';

export interface CheckedFields {
  date?: string;
  gallons?: number;
  pricePerGallon?: number;
  totalCost?: number;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** The first rule broken by the given (schema-valid) fields, or null. Fields are checked in body order. */
export function inputProblem(input: CheckedFields, now: Date): FieldProblem | null {
  if (input.date !== undefined) {
    const message = logDateProblem(input.date, now);
    if (message) return { field: 'date', message };
  }
  if (input.gallons !== undefined && !hasAtMostDecimals(input.gallons, 3)) return { field: 'gallons', message: 'must have at most 3 decimal places' };
  if (input.pricePerGallon !== undefined && !hasAtMostDecimals(input.pricePerGallon, 3)) return { field: 'pricePerGallon', message: 'must have at most 3 decimal places' };
  if (input.totalCost !== undefined && !hasAtMostDecimals(input.totalCost, 2)) return { field: 'totalCost', message: 'must have at most 2 decimal places' };
  return null;
}

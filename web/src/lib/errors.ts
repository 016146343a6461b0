// What the user is told for a failed call: one kind per class of failure, and field errors for forms.
import { ApiError, type ErrorDetail } from './api.ts';

export type ErrorKind = 'validation' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'too-large' | 'unsupported' | 'rate-limited' | 'retry' | 'unknown';

export interface UserError {
  kind: ErrorKind;
  /** One sentence for the user. */
  message: string;
  /** Field name → message, for VALIDATION_ERROR details. */
  fields: Record<string, string>;
  /** True when trying again later may help (5xx, network, rate limit). */
  retryable: boolean;
}

export const RETRY_MESSAGE = 'The service is temporarily unavailable. Please try again in a moment.';

/** Field name → message; the first message per field wins. `body.x` and `x` both land on `x`. */
export function fieldErrors(details: readonly ErrorDetail[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) {
    const field = d.field.startsWith('body.') ? d.field.slice(5) : d.field;
    out[field] ??= d.message;
  }
  return out;
}

/** Field-level messages read as sentences: "year must be <= 2027" → "Must be <= 2027". */
export function sentence(message: string): string {
  const m = message.trim();
  return m ? m[0].toUpperCase() + m.slice(1) : m;
}

export function describeError(err: unknown, what = 'That'): UserError {
  if (!(err instanceof ApiError)) {
    return { kind: 'unknown', message: 'Something went wrong. Please try again.', fields: {}, retryable: true };
  }
  const base = { fields: {}, retryable: false };
  if (err.status === 0 || err.status >= 500) {
    const message = err.code === 'EXTERNAL_SERVICE_ERROR'
      ? 'An external service did not answer. Please try again in a moment.'
      : RETRY_MESSAGE;
    return { ...base, kind: 'retry', message, retryable: true };
  }
  switch (err.status) {
    case 400:
      if (err.code === 'VALIDATION_ERROR') {
        const fields = Object.fromEntries(Object.entries(fieldErrors(err.details)).map(([k, v]) => [k, sentence(v)]));
        return { ...base, kind: 'validation', message: 'Please correct the highlighted fields.', fields };
      }
      return { ...base, kind: 'validation', message: 'The request was not accepted. Please check your input.' };
    case 401: return { ...base, kind: 'unauthorized', message: 'Your session has expired. Please sign in again.' };
    case 403: return { ...base, kind: 'forbidden', message: 'You are not allowed to do that.' };
    case 404: return { ...base, kind: 'not-found', message: `${what} was not found. It may have been deleted.` };
    case 409: return { ...base, kind: 'conflict', message: err.message || 'That already exists.' };
    case 413: return { ...base, kind: 'too-large', message: 'That file is too large.' };
    case 415: return { ...base, kind: 'unsupported', message: 'That file type is not supported.' };
    case 429: return { ...base, kind: 'rate-limited', message: 'Too many requests. Please wait a moment and try again.', retryable: true };
    default: return { ...base, kind: 'unknown', message: err.message || 'The request failed.' };
  }
}

/**
 * Field errors that no form field shows (e.g. `body`, or a field the form does not have) are folded into
 * the form-level message so nothing the server said is lost.
 */
export function unplacedFieldErrors(fields: Record<string, string>, shown: readonly string[]): string[] {
  return Object.entries(fields).filter(([f]) => !shown.includes(f)).map(([f, m]) => `${f}: ${m}`);
}

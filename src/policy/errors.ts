// The contract's error model (API.md "Errors"), shared by both backends and the gateway.
import pg from 'pg';

export const ERROR_CODES = [
  'VALIDATION_ERROR', 'INVALID_JSON', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT',
  'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'RATE_LIMITED', 'INTERNAL_ERROR',
  'EXTERNAL_SERVICE_ERROR', 'BACKEND_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT',
  'DATABASE_UNAVAILABLE', 'REDIS_UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetail { field: string; message: string }

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[] };
}

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400, INVALID_JSON: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404,
  CONFLICT: 409, PAYLOAD_TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415, RATE_LIMITED: 429,
  INTERNAL_ERROR: 500, EXTERNAL_SERVICE_ERROR: 502, BACKEND_UNAVAILABLE: 503, SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504, DATABASE_UNAVAILABLE: 503, REDIS_UNAVAILABLE: 503,
};

/** The codes an error answer with this status may carry (the contract's table). */
export const codesFor = (status: number): ErrorCode[] => ERROR_CODES.filter((code) => STATUS[code] === status);

// One default message per code so both backends word the same failure the same way.
const DEFAULT_MESSAGE: Record<ErrorCode, string> = {
  VALIDATION_ERROR: 'Request validation failed',
  INVALID_JSON: 'Request body is not valid JSON',
  UNAUTHORIZED: 'Missing or invalid access token',
  FORBIDDEN: 'Insufficient permissions',
  NOT_FOUND: 'Resource not found',
  CONFLICT: 'Resource already exists',
  PAYLOAD_TOO_LARGE: 'Request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported content type',
  RATE_LIMITED: 'Too many requests',
  INTERNAL_ERROR: 'Internal server error',
  EXTERNAL_SERVICE_ERROR: 'External service failed',
  BACKEND_UNAVAILABLE: 'Backend unavailable',
  SERVICE_UNAVAILABLE: 'Service temporarily unavailable',
  GATEWAY_TIMEOUT: 'Backend did not answer in time',
  DATABASE_UNAVAILABLE: 'PostgreSQL unavailable',
  REDIS_UNAVAILABLE: 'Redis unavailable',
};

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: ErrorDetail[];

  constructor(code: ErrorCode, message?: string, details?: ErrorDetail[]) {
    super(message ?? DEFAULT_MESSAGE[code]);
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS[code];
    if (code === 'VALIDATION_ERROR') this.details = details ?? [];
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.code === 'VALIDATION_ERROR') error.details = this.details ?? [];
    return { error };
  }
}

export const notFound = (message?: string) => new AppError('NOT_FOUND', message);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const validationError = (field: string, message: string) =>
  new AppError('VALIDATION_ERROR', DEFAULT_MESSAGE.VALIDATION_ERROR, [{ field, message }]);
/** A path that cannot be percent-decoded. */
export const badUrl = () => new AppError('VALIDATION_ERROR', undefined, [{ field: 'path', message: 'is not a valid URL' }]);
export const routeNotFound = (method: string, path: string) =>
  new AppError('NOT_FOUND', `Route ${method} ${path.split('?')[0]} not found`);

// Error codes of infrastructure that mean "the database (or storage) is not reachable right now".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006',
]);

export function isUnavailableError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: string; message?: string; cause?: unknown };
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  const msg = e.message ?? '';
  if (/Query read timeout|timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error/i.test(msg)) return true;
  return e.cause ? isUnavailableError(e.cause) : false;
}

/**
 * A constraint or data error PostgreSQL raised for a value that got past validation (a race, or a rule the
 * schemas missed): the client's request is what is wrong, so 409 (unique, foreign key) or 400 (CHECK,
 * NOT NULL, out of range, text it cannot hold), never a 500. SQLSTATE classes 23 and 22.
 */
export function fromDatabaseError(err: unknown): AppError | undefined {
  if (!(err instanceof pg.DatabaseError) || !err.code) return undefined;
  if (err.code === '23505') return new AppError('CONFLICT');
  if (err.code === '23503') return new AppError('CONFLICT', 'Conflicts with the current state of a related resource');
  if (err.code.startsWith('23') || err.code.startsWith('22')) {
    return new AppError('VALIDATION_ERROR', undefined, [{ field: 'body', message: 'holds a value that cannot be stored' }]);
  }
  return undefined;
}

/** Maps anything thrown by shared code to the contract error; unknown errors become a generic 500. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const fromDb = fromDatabaseError(err);
  if (fromDb) return fromDb;
  if (isUnavailableError(err)) return new AppError('SERVICE_UNAVAILABLE');
  return new AppError('INTERNAL_ERROR');
}

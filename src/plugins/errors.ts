// The central error handler: every error the gateway or a capsule produces leaves as API.md's body.
import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { AppError, routeNotFound, toAppError } from '../policy/errors.ts';
import { asHttpPart, validationErrorFrom } from '../policy/validation.ts';
import { featureForPath } from '../../flags/registry.ts';
import { drainRequest } from '../http/http-body.ts';

const FASTIFY_CODES: Record<string, () => AppError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new AppError('UNSUPPORTED_MEDIA_TYPE'),
  FST_ERR_CTP_INVALID_TYPE: () => new AppError('UNSUPPORTED_MEDIA_TYPE'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new AppError('PAYLOAD_TOO_LARGE'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new AppError('INVALID_JSON'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new AppError('INVALID_JSON'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new AppError('VALIDATION_ERROR', 'Request body is incomplete', []),
};

export function toContractError(err: FastifyError): AppError {
  if (err instanceof AppError) return err;
  if (err.validation) return validationErrorFrom(err.validation, asHttpPart(err.validationContext));
  const known = err.code && FASTIFY_CODES[err.code];
  if (known) return known();
  if (err instanceof SyntaxError && err.statusCode === 400) return new AppError('INVALID_JSON');
  if (err.statusCode === 429) return new AppError('RATE_LIMITED');
  return toAppError(err);
}

export const errorsPlugin = fp(async (app) => {
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    const appError = toContractError(err);
    if (appError.status >= 500) request.log.error({ err }, 'request failed');
    // Answered before its body was read (a refused upload, a 404): drain it, or close the connection.
    if (!(await drainRequest(request.raw))) reply.header('connection', 'close');
    return reply.status(appError.status).send(appError.toBody());
  });

  // Under a feature prefix the token is checked first, as the legacy app does (401 before 404). OPTIONS is
  // never authenticated (a CORS preflight carries no token): it is answered by CORS or is a 404.
  app.setNotFoundHandler(async (request, reply) => {
    if (request.method !== 'OPTIONS' && featureForPath(request.url)) await app.deps.verifyToken(request.headers.authorization);
    const e = routeNotFound(request.method, request.url);
    reply.status(e.status).send(e.toBody());
  });
}, { name: 'errors', dependencies: ['deps'] });

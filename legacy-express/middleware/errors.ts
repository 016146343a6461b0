// The one error middleware: every failure leaves as API.md's error body, with no internals in it.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, badUrl, routeNotFound, toAppError } from '../../src/policy/errors.ts';
import { drainRequest } from '../../src/http/http-body.ts';

// body-parser's error types → contract errors.
function fromBodyParser(err: { type?: string }): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed': return new AppError('INVALID_JSON');
    case 'entity.too.large': return new AppError('PAYLOAD_TOO_LARGE');
    case 'encoding.unsupported':
    case 'charset.unsupported': return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'request.aborted':
    case 'request.size.invalid': return new AppError('VALIDATION_ERROR', 'Request body is incomplete', []);
    default: return undefined;
  }
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction) {
  next(routeNotFound(req.method, req.originalUrl));
}

export function errorHandler(log: Logger) {
  return async (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const appError = fromBodyParser(err as { type?: string }) ?? (err instanceof URIError ? badUrl() : toAppError(err));
    if (appError.status >= 500) log.error({ err, reqId: res.locals.requestId, url: req.originalUrl }, 'request failed');
    if (res.headersSent) {
      res.destroy(); // a streamed body already started: cut it rather than append an error to it
      return;
    }
    // Answered before its body was read (a refused upload, a 404): drain it, or close the connection.
    if (!(await drainRequest(req))) res.setHeader('connection', 'close');
    res.status(appError.status).json(appError.toBody());
  };
}

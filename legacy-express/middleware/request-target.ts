// The request target as the gateway treats it (src/http/request-target.ts): absolute-form served like
// origin-form, and a path segment decoding to `.`/`..` or a separator → 404 before authentication.
import type { NextFunction, Request, Response } from 'express';
import { routeNotFound } from '../../src/policy/errors.ts';
import { hasTraversalSegment, toOriginForm } from '../../src/http/request-target.ts';

/** First middleware: Express already took `originalUrl` from the raw target, so both are rewritten. */
export function originForm(req: Request, _res: Response, next: NextFunction) {
  if (!req.url.startsWith('/')) req.url = req.originalUrl = toOriginForm(req.url);
  next();
}

export function refuseTraversal(req: Request, _res: Response, next: NextFunction) {
  next(hasTraversalSegment(req.originalUrl) ? routeNotFound(req.method, req.originalUrl) : undefined);
}

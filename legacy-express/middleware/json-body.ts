// JSON body parsing for a feature router: 1 MiB limit, any JSON value accepted (the schema judges it),
// non-JSON bodies refused with 415 — the same rules and the same parser the Fastify side uses.
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../../src/policy/errors.ts';
import { classifyJsonBody } from '../../src/http/http-body.ts';
import { parseJsonBody } from '../../src/http/json-body.ts';

// Raw bytes only (no inflation: content codings are refused before, by classifyJsonBody).
const readBody = express.raw({ limit: '1mb', type: () => true, inflate: false });

function parseRead(req: Request, res: Response, next: NextFunction) {
  try {
    req.body = parseJsonBody(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    res.locals.jsonBodyParsed = true;
    next();
  } catch (err) {
    next(err);
  }
}

export function jsonBody(req: Request, res: Response, next: NextFunction) {
  if (res.locals.jsonBodyParsed) return next(); // a router-level and a route-level jsonBody on one request
  switch (classifyJsonBody(req.method, req.headers)) {
    case 'none': req.body = undefined; return next();
    case 'unsupported': return next(new AppError('UNSUPPORTED_MEDIA_TYPE'));
    case 'empty-json': return next(new AppError('INVALID_JSON'));
    case 'json': return readBody(req, res, (err?: unknown) => (err ? next(err) : parseRead(req, res, next)));
  }
}

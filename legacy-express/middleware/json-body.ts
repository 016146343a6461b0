// JSON body parsing for a feature router: 1 MiB limit, any JSON value accepted (the schema judges it),
// non-JSON bodies refused with 415 — the same rules the Fastify side applies.
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../../src/core/errors.ts';
import { classifyJsonBody } from '../../src/core/http-body.ts';

// Keys Fastify's parser refuses as prototype poisoning are refused here too (→ INVALID_JSON).
function refusePoisoning(key: string, value: unknown) {
  if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value)) {
    throw new SyntaxError('forbidden prototype property');
  }
  return value;
}

const parseJson = express.json({ limit: '1mb', strict: false, type: () => true, reviver: refusePoisoning });

export function jsonBody(req: Request, res: Response, next: NextFunction) {
  switch (classifyJsonBody(req.method, req.headers)) {
    case 'none': req.body = undefined; return next();
    case 'unsupported': return next(new AppError('UNSUPPORTED_MEDIA_TYPE'));
    case 'empty-json': return next(new AppError('INVALID_JSON'));
    case 'json': return parseJson(req, res, next);
  }
}

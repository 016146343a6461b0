// Validates params, body and query (in Fastify's order) against the feature's TypeBox schemas.
// Coerced/defaulted values replace the raw ones, so handlers read typed data.
import type { NextFunction, Request, Response } from 'express';
import { compileValidator, validationErrorFrom, type HttpPart } from '../../src/policy/validation.ts';

export interface RouteSchemas {
  params?: object;
  body?: object;
  querystring?: object;
}

export function validate(schemas: RouteSchemas) {
  const parts: Array<[keyof RouteSchemas, HttpPart]> = [['params', 'params'], ['body', 'body'], ['querystring', 'querystring']];
  const checks = parts.flatMap(([key, part]) => {
    const schema = schemas[key];
    return schema ? [{ part, fn: compileValidator(schema, part) }] : [];
  });

  return (req: Request, res: Response, next: NextFunction) => {
    for (const { part, fn } of checks) {
      // Express 5's req.query is a getter; validate a copy and keep it on res.locals.
      const data = part === 'params' ? { ...req.params } : part === 'body' ? req.body : { ...(req.query as object) };
      if (!fn(data)) return next(validationErrorFrom(fn.errors, part));
      if (part === 'params') res.locals.params = data;
      else if (part === 'body') req.body = data;
      else res.locals.query = data;
    }
    next();
  };
}

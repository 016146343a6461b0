// Request id, x-backend and an access log line per request (pino), the way the gateway does it.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestIdFrom } from '../../src/http/request-id.ts';

export function requestContext(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const id = requestIdFrom(req.headers['x-request-id']);
    const started = process.hrtime.bigint();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    if (req.path.startsWith('/api/')) res.setHeader('x-backend', 'express');
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // No query string: station searches carry a user's position (the gateway's access log does the same).
      log.info({ reqId: id, method: req.method, url: req.originalUrl.split('?', 1)[0], status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}

// JSON bodies for native routes: Fastify's own parser (prototype-poisoning checks) but only for UTF
// charsets, as Express does; and no text/plain parser, so a text body is a 415 on both backends.
// Scoped to the capsules: the proxy has its own pass-through parsers.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.ts';

export function useContractJsonParser(scope: FastifyInstance): void {
  const defaultJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const charset = /charset=([^;]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.trim().replace(/"/g, '').toLowerCase();
    if (charset && !charset.startsWith('utf-')) return done(new AppError('UNSUPPORTED_MEDIA_TYPE'), undefined);
    defaultJson(req, typeof body === 'string' ? body : body.toString('utf8'), done);
  });
}

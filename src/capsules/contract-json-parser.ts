// JSON bodies for native routes: the parser the legacy app uses too (src/http/json-body.ts), after the
// same media type, charset and content-coding rules (src/http/http-body.ts); no text/plain parser, so a
// text body is a 415 on both backends. Scoped to the capsules: the proxy has its own pass-through parsers.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError } from '../policy/errors.ts';
import { classifyJsonBody } from '../http/http-body.ts';
import { parseJsonBody } from '../http/json-body.ts';

/** A body that was read completely but refused; thrown in preValidation (see below). */
class RefusedBody {
  readonly error: AppError;
  constructor(error: AppError) { this.error = error; }
}

export function useContractJsonParser(scope: FastifyInstance): void {
  scope.removeContentTypeParser('application/json');
  // A parser error makes Fastify answer `connection: close`; the legacy app keeps a connection whose body
  // it has read. So the parser hands a refusal over as the body and preValidation throws it.
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    if (classifyJsonBody(req.method, req.headers) === 'unsupported') return done(null, new RefusedBody(new AppError('UNSUPPORTED_MEDIA_TYPE')));
    try {
      done(null, parseJsonBody(body));
    } catch (err) {
      done(null, new RefusedBody(err instanceof AppError ? err : new AppError('INVALID_JSON')));
    }
  });
  // Only routes that can take a body check for a refusal (a route-level hook, synchronous): a GET pays nothing.
  scope.addHook('onRoute', (route) => {
    if ([route.method].flat().every((m) => m === 'GET' || m === 'HEAD')) return;
    route.preValidation = [...[route.preValidation ?? []].flat(), throwRefusedBody];
  });
}

function throwRefusedBody(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  done(request.body instanceof RefusedBody ? request.body.error : undefined);
}

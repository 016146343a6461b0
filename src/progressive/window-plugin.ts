// `app.sharedWindow`: records every feature request on this instance — as evidence (verified, reached the
// handler: status and server time) or as refused (evidence.ts) — per feature, side and backend, and pushes
// the counts to the shared window every WINDOW_PUSH_INTERVAL_MS (Redis; in-process without it).
import fp from 'fastify-plugin';
import { sideOf } from '../../flags/operations.ts';
import { answerStarts, isEvidence, serverTimeOf, watchBody } from './evidence.ts';
import { Recorder } from './recorder.ts';
import { LocalWindow, RedisWindow, type WindowStore } from './shared-window.ts';
import { WindowPush } from './window-push.ts';

declare module 'fastify' {
  interface FastifyInstance {
    sharedWindow: WindowStore;
  }
}

/** Instances on the same database share one window; other deployments on the same Redis do not. */
export function namespaceOf(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

export const progressiveWindowPlugin = fp(async (app) => {
  const recorder = new Recorder();
  const store: WindowStore = app.redis ? new RedisWindow(app.redis, namespaceOf(app.config.DATABASE_URL)) : new LocalWindow();
  const push = new WindowPush(recorder, store, app.config.WINDOW_PUSH_INTERVAL_MS, (msg, err) =>
    app.log.warn({ err: err instanceof Error ? err.message : String(err) }, msg));
  app.decorate('sharedWindow', store);
  app.decorateRequest('reachedHandler', false);
  app.decorateRequest('bodyReceivedMs', 0);
  app.decorateRequest('serverMs', -1);
  // Synchronous hooks, and only feature requests do any work in them.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.feature !== null) watchBody(request, reply);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.feature !== null) answerStarts(request, reply);
    done(null, payload);
  });
  app.observeResponse((request, reply) => {
    const backend = request.backend;
    if (!request.feature || (backend !== 'fastify' && backend !== 'express')) return;
    const side = sideOf(request.method);
    if (isEvidence(request, reply.statusCode)) recorder.record(request.feature.name, side, backend, reply.statusCode, serverTimeOf(request, reply));
    else recorder.refuse(request.feature.name, side, backend);
  });
  app.addHook('onReady', async () => push.start());
  app.addHook('onClose', async () => push.stop());
}, { name: 'progressive-window', dependencies: ['config', 'redis', 'auth', 'request-context', 'access-log'] });

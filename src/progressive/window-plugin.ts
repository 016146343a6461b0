// `app.sharedWindow`: records every feature request (feature, backend, status, latency) on this instance
// and pushes the counts to the shared window every WINDOW_PUSH_INTERVAL_MS (Redis; in-process without it).
import fp from 'fastify-plugin';
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
  app.observeResponse((request, reply) => {
    const backend = request.backend;
    if (request.feature && (backend === 'fastify' || backend === 'express')) {
      recorder.record(request.feature.name, backend, reply.statusCode, reply.elapsedTime);
    }
  });
  app.addHook('onReady', async () => push.start());
  app.addHook('onClose', async () => push.stop());
}, { name: 'progressive-window', dependencies: ['config', 'redis', 'request-context', 'access-log'] });

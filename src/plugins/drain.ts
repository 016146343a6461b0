// Draining before shutdown: from drain() on, GET /health answers 503 "draining" and every answer says
// `connection: close`, while requests are still served, so load balancers take this instance out (and
// keep-alive clients reconnect elsewhere) before it stops accepting. server.ts calls it on SIGTERM.
import fp from 'fastify-plugin';
import { setTimeout as sleep } from 'node:timers/promises';

declare module 'fastify' {
  interface FastifyInstance {
    /** True once drain() has been called. */
    readonly draining: boolean;
    /** Marks the instance as draining and resolves after `delayMs` (requests keep being served). */
    drain(delayMs: number): Promise<void>;
  }
}

export const drainPlugin = fp(
  async (app) => {
    let draining = false;
    app.decorate('draining', { getter: () => draining });
    app.decorate('drain', async (delayMs: number) => {
      draining = true;
      app.log.info({ delayMs }, 'draining: /health answers 503 while requests are still served');
      await sleep(delayMs);
    });
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (draining) reply.header('connection', 'close');
      done(null, payload);
    });
  },
  { name: 'drain' },
);

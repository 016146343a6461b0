// Draining before shutdown: from drain() on, GET /health answers 503 "draining" and every answer says
// `connection: close`, while requests are still served, so load balancers take this instance out (and
// keep-alive clients reconnect elsewhere) before it stops accepting. server.ts calls it on SIGTERM.
import fp from 'fastify-plugin';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
      if (!draining) {
        // No per-request hook while serving normally: only from here on does a listener (ahead of
        // Fastify's) mark each answer `connection: close`; Node then closes the socket after it.
        app.server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
          res.shouldKeepAlive = false;
        });
      }
      draining = true;
      app.log.info({ delayMs }, 'draining: /health answers 503 while requests are still served');
      await sleep(delayMs, undefined, { ref: false }); // the listening server keeps the process alive meanwhile
    });
  },
  { name: 'drain' },
);

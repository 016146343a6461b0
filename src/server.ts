// Gateway entry point: validated config, build, listen on PORT, graceful shutdown (close-with-grace).
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { loadConfigOrExit } from './config/config.ts';
import { FlagConfigError } from '../flags/parse.ts';
import { buildApp } from './app.ts';

const config = loadConfigOrExit();
let app: FastifyInstance;
try {
  app = await buildApp({ config });
} catch (err) {
  if (err instanceof FlagConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
app.server.keepAliveTimeout = 65_000;
app.server.requestTimeout = 120_000;

closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after error');
  else app.log.info({ signal }, 'shutting down');
  // SIGTERM comes from an orchestrator: keep serving while /health says "draining" (load balancers take
  // this instance out), then close. Ctrl-C (SIGINT) closes at once.
  if (signal === 'SIGTERM') await app.drain(config.SHUTDOWN_DRAIN_DELAY_MS);
  await app.close(); // stops accepting, finishes in-flight requests, closes clients
});

await app.listen({ port: config.PORT, host: config.HOST });

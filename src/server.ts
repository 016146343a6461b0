// Gateway entry point: validated config, build, listen on PORT, graceful shutdown (close-with-grace).
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { loadConfigOrExit } from './config/config.ts';
import { FlagConfigError } from '../flags/parse.ts';
import { tracingEnabled } from './telemetry/enabled.ts';

const config = loadConfigOrExit();
// Tracing (only with OTEL_* set) starts before the app's modules load, so its hooks see them load.
const tracing = tracingEnabled(process.env) ? (await import('./telemetry/start.ts')).tracing : undefined;
const { buildApp } = await import('./app.ts');
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
  await tracing?.shutdown(); // the last spans leave before the process does
});

await app.listen({ port: config.PORT, host: config.HOST });

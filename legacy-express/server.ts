// Entry point of the legacy app: validated config, shared deps, listen, graceful shutdown on SIGTERM.
import closeWithGrace from 'close-with-grace';
import { loadConfigOrExit } from '../src/config/config.ts';
import { tracingEnabled } from '../src/telemetry/enabled.ts';
import { processTracing } from '../src/telemetry/process-tracing.ts';

const config = loadConfigOrExit();
// Tracing (only with OTEL_* set) starts before the app's modules load, so its hooks see them load.
const tracing = tracingEnabled(process.env) ? (await import('./telemetry.ts')).tracing : undefined;
const [{ pino }, { createDeps, closeDeps }, { buildLegacyApp }] = await Promise.all([
  import('pino'), import('../src/infrastructure/deps.ts'), import('./app.ts'),
]);
const log = pino({ level: config.LOG_LEVEL, base: { app: 'legacy-express' }, mixin: processTracing()?.logMixin });
const deps = createDeps(config, log);
const app = buildLegacyApp(deps, log);

const server = app.listen(config.LEGACY_PORT, config.HOST, () => {
  log.info(`legacy express listening on http://${config.HOST}:${config.LEGACY_PORT}`);
});
server.keepAliveTimeout = 65_000; // longer than the gateway's pooled-connection idle time
server.headersTimeout = 66_000;
server.requestTimeout = 60_000;

closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
  if (err) log.error({ err }, 'shutting down after error');
  else log.info({ signal }, 'shutting down');
  // Stop accepting, let in-flight requests finish, then close idle keep-alive sockets.
  // The gateway keeps pooled connections open: tell each answer to close, and keep reaping idle ones.
  server.on('request', (_req, res) => { if (!res.headersSent) res.setHeader('connection', 'close'); });
  const reaper = setInterval(() => server.closeIdleConnections(), 50);
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  clearInterval(reaper);
  await closeDeps(deps);
  await tracing?.shutdown(); // the last spans leave before the process does
});

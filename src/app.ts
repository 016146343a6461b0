// The gateway: builds the Fastify front door (server.ts listens). Every /api request goes either to the
// native capsule or through the proxy to the legacy app, decided per request from the flag store.
// Read top to bottom, this is the table of contents: each line is one named plugin.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config/config.ts';
import type { Capsule } from './capsules/capsule.ts';
import { CAPSULES } from './capsules/registry.ts';
import { capsulesPlugin } from './capsules/capsules-plugin.ts';
import { serverOptions } from './server-options.ts';
import { compileValidator } from './policy/validation.ts';
import { responseSerializerCompiler } from './http/response-serializer.ts';
import { configPlugin } from './plugins/config.ts';
import { postgresPlugin, redisPlugin, storagePlugin, depsPlugin, orphanSweepPlugin } from './plugins/infrastructure.ts';
import { authPlugin } from './plugins/auth.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { flagsPlugin } from './plugins/flags.ts';
import { requestContextPlugin } from './plugins/request-context.ts';
import { securityPlugin } from './plugins/security.ts';
import { requestTargetPlugin } from './plugins/request-target.ts';
import { accessLogPlugin } from './plugins/access-log.ts';
import { drainPlugin } from './plugins/drain.ts';
import { legacyProxyPlugin } from './routing/legacy-proxy.ts';
import { healthRoutes } from './health/health-routes.ts';
import { flagsRoutes } from './admin/flags-routes.ts';
import { progressiveWindowPlugin } from './progressive/window-plugin.ts';
import { flagPushPlugin } from './progressive/flag-push-plugin.ts';
import { progressiveLeaderPlugin } from './progressive/leader-plugin.ts';
import { progressiveRoutes } from './admin/progressive-routes.ts';
import { webAppPlugin } from './plugins/web-app.ts';
import { shadowPlugin } from './shadow/shadow-plugin.ts';
import { consolePlugin } from './plugins/console.ts';
import { processTracing } from './telemetry/process-tracing.ts';

export interface BuildOptions {
  config: Config;
  /** Where the *_BACKEND flag variables are read from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Native capsules to mount (default: every capsule in src/capsules/registry.ts). */
  capsules?: readonly Capsule[];
}

export async function buildApp({ config, env = process.env, capsules = CAPSULES }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(config));
  // No gateway route takes text; without this the proxy would buffer text bodies instead of streaming them.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(({ schema, httpPart }) => compileValidator(schema, httpPart));
  // JSON.stringify for response bodies; outside production checked against the schemas' own serialiser.
  app.setSerializerCompiler(responseSerializerCompiler(config.NODE_ENV !== 'production'));

  try {
    await app.register(configPlugin, { config });
    await app.register(postgresPlugin);
    await app.register(redisPlugin);
    await app.register(storagePlugin);
    await app.register(depsPlugin);
    await app.register(authPlugin);
    await app.register(errorsPlugin);
    await app.register(openapiPlugin); // before every route: it documents what the routes register
    await app.register(metricsPlugin);
    await app.register(flagsPlugin, { env, nativeFeatures: new Set(capsules.map((c) => c.feature)) });
    await app.register(requestContextPlugin);
    await app.register(securityPlugin);
    await app.register(requestTargetPlugin);
    await app.register(accessLogPlugin);
    // Only in a process whose tracing started (OTEL_* set, src/server.ts): otherwise no tracing module is loaded.
    if (processTracing()) await app.register((await import('./telemetry/tracing-plugin.ts')).tracingPlugin);
    await app.register(flagPushPlugin);
    await app.register(progressiveWindowPlugin);
    await app.register(progressiveLeaderPlugin);
    await app.register(orphanSweepPlugin);
    await app.register(drainPlugin);
    await app.register(healthRoutes);
    await app.register(flagsRoutes);
    await app.register(progressiveRoutes);
    await app.register(consolePlugin);
    await app.register(capsulesPlugin, { capsules });
    await app.register(webAppPlugin);
    await app.register(shadowPlugin); // after the capsules (their route templates), before the proxy (it taps the proxy's routes)
    await app.register(legacyProxyPlugin);
    // Loaded only when on, so production's module graph holds nothing from dev/ (test/dev-graph.test.ts).
    if (config.DEV_TOOLS) await app.register((await import('./dev-tools/dev-tools-plugin.ts')).devToolsPlugin);
  } catch (err) {
    // A plugin refused to start (e.g. a flag asks for a capsule that is not there): release what did start.
    await app.close().catch(() => {});
    throw err;
  }
  return app;
}

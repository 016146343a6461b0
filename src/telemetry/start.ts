// The gateway's tracing (imported first by src/server.ts when tracingEnabled()): the shared SDK set-up
// plus @fastify/otel, which attaches to every Fastify instance as it is created.
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { startTracing, untraced } from './sdk.ts';

const legacyOrigin = process.env.LEGACY_URL ? new URL(process.env.LEGACY_URL).origin : undefined;

export const tracing = startTracing({
  serviceName: 'motovaultpro-gateway',
  esModules: [],
  // The proxy hop names the backend it goes to.
  clientAttributes: (origin) => (legacyOrigin && URL.parse(origin)?.origin === legacyOrigin ? { 'mvp.backend': 'express', 'mvp.hop': 'legacy-proxy' } : {}),
  instrumentations: [
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      instrumentHooks: false, // a span per hook would be a dozen per request: the request and handler spans say enough
      ignorePaths: ({ url }) => untraced(url),
    }),
  ],
});

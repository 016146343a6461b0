// The gateway's tracing (imported first by src/server.ts when tracingEnabled()): the shared SDK set-up
// plus @fastify/otel, which attaches to every Fastify instance as it is created.
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { startTracing, untraced } from './sdk.ts';

export const tracing = startTracing({
  serviceName: 'motovaultpro-gateway',
  esModules: [],
  instrumentations: [
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      instrumentHooks: false, // a span per hook would be a dozen per request: the request and handler spans say enough
      ignorePaths: ({ url }) => untraced(url),
    }),
  ],
});

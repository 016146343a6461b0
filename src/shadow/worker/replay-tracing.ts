// The replay worker's tracing (imported first by replay-main.ts when the process traces): the shared SDK
// set-up plus @fastify/otel for its own Fastify instance, under the gateway's service name — a replay is the
// gateway's work. Its native run, PostgreSQL queries and calibration call are children of the replay's span.
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { startTracing } from '../../telemetry/sdk.ts';

startTracing({
  serviceName: 'motovaultpro-gateway',
  esModules: [],
  instrumentations: [new FastifyOtelInstrumentation({ registerOnInitialization: true, instrumentHooks: false })],
});

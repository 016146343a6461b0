// The replay worker's entry (started by src/shadow/replay-host.ts): when this process traces (the gateway's
// OTEL_* variables reach it), tracing starts first, so its instrumentations see pg, ioredis and Fastify load;
// then the worker itself. Each replay is then a trace of its own, linked to the client's (docs/observability.md).
import { tracingEnabled } from '../../telemetry/enabled.ts';

if (tracingEnabled(process.env)) await import('./replay-tracing.ts');
await import('./replay-worker.ts');

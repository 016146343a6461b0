// OpenTelemetry tracing for one process, shared by the gateway (./start.ts) and the legacy app
// (legacy-express/telemetry.ts): the Node SDK configured from the standard OTEL_* variables, with the
// HTTP server, undici (the proxy's and fetch's client), PostgreSQL and ioredis instrumentations plus the
// caller's own. Imported only when tracingEnabled() says so, and before the instrumented modules load:
// the ES-module hooks (import-in-the-middle) see only the modules imported after they are registered.
import { register as registerImportHooks } from 'import-in-the-middle/register-hooks.mjs';
import { context, isSpanContextValid, propagation, ROOT_CONTEXT, trace, type Attributes } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { setProcessTracing } from './process-tracing.ts';

type Instrumentations = NonNullable<NonNullable<ConstructorParameters<typeof NodeSDK>[0]>['instrumentations']>;

/** Paths probed by orchestrators and scrapers: never traced (one trace per probe would drown the real ones). */
const UNTRACED_PATHS: ReadonlySet<string> = new Set(['/health', '/health/live', '/metrics']);

/** Whether a request target (query string ignored) is a probe or a scrape. */
export const untraced = (url: string | undefined) => UNTRACED_PATHS.has((url ?? '/').split('?', 1)[0]);

export interface TracingOptions {
  /** The default service.name (OTEL_SERVICE_NAME wins). */
  serviceName: string;
  /** Packages imported as ES modules that an instrumentation below patches (the CommonJS ones need nothing). */
  esModules: string[];
  instrumentations: Instrumentations;
  /** Attributes of the HTTP server span of an incoming request, from its path (query string excluded). */
  serverAttributes?: (path: string) => Attributes;
  /** Attributes of an outgoing undici request's client span, from its origin (`http://host:port`). */
  clientAttributes?: (origin: string) => Attributes;
}

export interface Tracing {
  /** Exports what is buffered and stops; call last on shutdown. */
  shutdown(): Promise<void>;
}

export function startTracing(opts: TracingOptions): Tracing {
  const env = process.env;
  // Traces only: metrics stay on Prometheus (/metrics), logs on stdout, unless the operator asks otherwise.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  // Batches leave every second rather than every five: a trace shows up while the operator still looks.
  env.OTEL_BSP_SCHEDULE_DELAY ??= '1000';
  registerImportHooks({ include: ['pg', 'ioredis', ...opts.esModules] });
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || opts.serviceName,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => untraced(req.url),
        ...(opts.serverAttributes ? { startIncomingSpanHook: (req) => opts.serverAttributes?.((req.url ?? '/').split('?', 1)[0]) ?? {} } : {}),
      }),
      new UndiciInstrumentation(opts.clientAttributes ? { startSpanHook: (req) => opts.clientAttributes?.(req.origin) ?? {} } : {}),
      // Only queries made for a traced request: the flag poll and the guard's ticks would be a trace a second.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      ...opts.instrumentations,
    ],
  });
  sdk.start();
  const tracer = trace.getTracer('motovaultpro');
  const shutdown = () => sdk.shutdown();
  setProcessTracing({
    logMixin: (): Record<string, string> => {
      const span = trace.getActiveSpan()?.spanContext();
      return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
    },
    carrier: () => {
      const out: Record<string, string> = {};
      propagation.inject(context.active(), out);
      return out;
    },
    linkedRoot: (name, link, attributes, fn) => {
      const linked = link ? trace.getSpanContext(propagation.extract(ROOT_CONTEXT, link)) : undefined;
      const links = linked && isSpanContextValid(linked) ? [{ context: linked }] : [];
      return tracer.startActiveSpan(name, { root: true, links, attributes }, ROOT_CONTEXT, async (span) => {
        try {
          return await fn();
        } finally {
          span.end();
        }
      });
    },
    shutdown,
  });
  return { shutdown };
}

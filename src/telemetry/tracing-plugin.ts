// Names, on the request's spans, what the migration decided for it: the feature, the backend serving it,
// the feature's stage and, in a canary, whether the user's bucket is native (docs/observability.md).
// Registered only when this process traces (app.ts), so a gateway without tracing runs no hook for it;
// @fastify/otel (src/telemetry/start.ts) has then decorated every request with `opentelemetry()`.
import fp from 'fastify-plugin';
import { context, type Attributes } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

export const tracingPlugin = fp(async (app) => {
  app.addHook('onRequest', (request, _reply, done) => {
    const route = app.routeLabel(request);
    const attributes: Attributes = { 'mvp.backend': request.backend, 'mvp.route': route };
    if (request.feature) {
      const stage = app.flags.stageOf(request.feature.name);
      attributes['mvp.feature'] = request.feature.name;
      attributes['mvp.stage'] = stage;
      if (stage === 'canary') attributes['mvp.bucket_native'] = request.backend === 'fastify';
    }
    const otel = request.opentelemetry(); // @fastify/otel's request span, opened by its onRequest hook before this one
    otel.span?.setAttributes(attributes);
    const server = getRPCMetadata(context.active()); // the HTTP server span: the trace's root in this process
    if (server?.type === RPCType.HTTP) {
      server.span.setAttributes(attributes);
      server.route = route; // the span is named "GET /api/vehicles/:id" for a proxied request too, not "GET /api/*"
    }
    // The client's trace context is already this request's parent; the proxy's client injects the gateway's
    // own, and a second traceparent line next to it would break the legacy app's parsing of both.
    if (request.headers.traceparent !== undefined) {
      delete request.headers.traceparent;
      delete request.headers.tracestate;
    }
    done();
  });
}, { name: 'tracing', dependencies: ['flags', 'request-context', 'access-log'] });

// The legacy app's tracing (imported first by legacy-express/server.ts when tracingEnabled()): the shared
// SDK set-up plus Express's instrumentation; every server span says it was served by express, and for which feature.
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { featureForPath } from '../flags/registry.ts';
import { startTracing } from '../src/telemetry/sdk.ts';

export const tracing = startTracing({
  serviceName: 'motovaultpro-legacy',
  esModules: ['express'],
  // Routers and handlers only: a span per middleware (helmet, cors, …) would be most of every trace.
  instrumentations: [new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] })],
  serverAttributes: (path) => {
    const feature = featureForPath(path)?.name;
    return feature ? { 'mvp.backend': 'express', 'mvp.feature': feature } : { 'mvp.backend': 'express' };
  },
});

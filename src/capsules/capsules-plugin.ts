// Mounts each native capsule under its feature's prefix, encapsulated, with its routes tagged as the
// "fastify" backend (the route constraint then serves them only while the flag says so).
import fp from 'fastify-plugin';
import type { Capsule, CapsuleOptions } from './capsule.ts';
import { useContractJsonParser } from './contract-json-parser.ts';
import { prefixOf, type FeatureName } from '../../flags/registry.ts';
import { markHandled } from '../progressive/evidence.ts';

export interface CapsulesPluginOptions {
  capsules: readonly Capsule[];
}

/** A route a capsule registered, with its full template (e.g. `GET /api/vehicles/:id`). */
export interface NativeRoute {
  feature: FeatureName;
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every native route mounted, for coverage checks, shadow route templates and the console. */
    nativeRoutes: readonly NativeRoute[];
  }
}

export const capsulesPlugin = fp<CapsulesPluginOptions>(async (app, { capsules }) => {
  const routes: NativeRoute[] = [];
  app.decorate('nativeRoutes', routes);
  for (const capsule of capsules) {
    await app.register(async (scope) => {
      useContractJsonParser(scope);
      scope.addHook('onRoute', (route) => {
        route.constraints = { ...route.constraints, backend: 'fastify' };
        route.config = { ...route.config, backend: 'fastify' };
        // Evidence counts only requests that reach the handler (src/progressive/evidence.ts); wrapping the
        // handler costs less than a preHandler hook, which would add a hook pass to every native request.
        const handler = route.handler;
        route.handler = function (request, reply) {
          markHandled(request);
          return handler.call(this, request, reply);
        };
        for (const method of [route.method].flat()) routes.push({ feature: capsule.feature, method, url: route.url });
      });
      await scope.register<CapsuleOptions>(capsule.plugin, { prefix: prefixOf(capsule.feature), deps: app.deps });
    });
  }
}, { name: 'capsules', dependencies: ['deps', 'auth', 'flags', 'errors', 'progressive-window'] });

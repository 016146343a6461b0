// Mounts each native capsule under its feature's prefix, encapsulated, with its routes tagged as the
// "fastify" backend (the route constraint then serves them only while the flag says so).
import fp from 'fastify-plugin';
import type { Capsule, CapsuleOptions } from './capsule.ts';
import { useContractJsonParser } from './contract-json-parser.ts';
import { prefixOf } from '../../flags/registry.ts';

export interface CapsulesPluginOptions {
  capsules: readonly Capsule[];
}

export const capsulesPlugin = fp<CapsulesPluginOptions>(async (app, { capsules }) => {
  for (const capsule of capsules) {
    await app.register(async (scope) => {
      useContractJsonParser(scope);
      scope.addHook('onRoute', (route) => {
        route.constraints = { ...route.constraints, backend: 'fastify' };
        route.config = { ...route.config, backend: 'fastify' };
      });
      await scope.register<CapsuleOptions>(capsule.plugin, { prefix: prefixOf(capsule.feature), deps: app.deps });
    });
  }
}, { name: 'capsules', dependencies: ['deps', 'auth', 'flags', 'errors'] });

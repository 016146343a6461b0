// What a native feature capsule must provide to plug into the gateway.
// The gateway registers `plugin` under the feature's prefix (encapsulated, not fastify-plugin) and
// routes to it only while the feature's flag says "fastify".
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../infrastructure/deps.ts';
import type { FeatureName } from '../../flags/registry.ts';

export interface CapsuleOptions {
  deps: Deps;
}

export interface Capsule {
  feature: FeatureName;
  plugin: FastifyPluginAsync<CapsuleOptions>;
}

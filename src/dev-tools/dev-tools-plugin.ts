// Development-only routes (dev sign-in tokens, fault injection). app.ts registers this plugin only when
// config.DEV_TOOLS is true, and the config allows DEV_TOOLS only with NODE_ENV development or test, so none of these
// routes can exist in production. Each dev-only route file registers here.
import fp from 'fastify-plugin';
import { chaosPlugin } from './chaos-routes.ts';
import { mutatePlugin } from './mutate.ts';
import { devTokenRoute } from './token-routes.ts';

export const devToolsPlugin = fp(async (app) => {
  app.log.warn('DEV_TOOLS is on: development-only routes are enabled');
  await app.register(chaosPlugin);
  await app.register(mutatePlugin);
  await app.register(devTokenRoute);
}, { name: 'dev-tools', dependencies: ['config', 'auth'] });

// Development-only routes (dev sign-in tokens, fault injection). app.ts registers this plugin only when
// config.DEV_TOOLS is true, and the config refuses DEV_TOOLS with NODE_ENV=production, so none of these
// routes can exist in production. Each dev-only route file registers here.
import fp from 'fastify-plugin';

export const devToolsPlugin = fp(async (app) => {
  app.log.warn('DEV_TOOLS is on: development-only routes are enabled');
}, { name: 'dev-tools', dependencies: ['config', 'auth'] });

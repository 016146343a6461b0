// `app.config`: the validated configuration, the first thing every other plugin depends on.
import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

export const configPlugin = fp<{ config: Config }>(async (app, { config }) => {
  app.decorate('config', config);
}, { name: 'config' });

// Flag push: LISTEN/NOTIFY on a dedicated, reconnecting connection reloads the flags (and any channel a
// later plugin adds with `app.flagPush.listen`, e.g. dev fault injection) within milliseconds of a change.
import fp from 'fastify-plugin';
import { FLAG_CHANNEL } from '../../flags/store.ts';
import { FlagPush } from './flag-push.ts';
import { sessionDatabaseUrl } from '../infrastructure/deps.ts';

declare module 'fastify' {
  interface FastifyInstance {
    flagPush: { listen(channel: string, reload: () => Promise<void>): void; readonly connected: boolean };
  }
}

export const flagPushPlugin = fp(async (app) => {
  const channels = new Map<string, () => Promise<void>>([[FLAG_CHANNEL, () => app.flags.sync()]]);
  let lastWarning = 0;
  const push = new FlagPush({
    databaseUrl: sessionDatabaseUrl(app.config),
    channels,
    reconnectMs: 1000,
    onError: (err) => {
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      app.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'flag push connection failed; polling keeps flags in sync meanwhile');
    },
  });
  app.decorate('flagPush', {
    listen: (channel: string, reload: () => Promise<void>) => { channels.set(channel, reload); },
    get connected() { return push.connected; },
  });
  app.addHook('onReady', async () => push.start());
  app.addHook('onClose', async () => push.stop());
}, { name: 'flag-push', dependencies: ['config', 'flags'] });

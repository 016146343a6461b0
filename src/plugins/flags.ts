// `app.flags`: the flag store (env defaults + PostgreSQL overrides), kept in sync while the app runs, and
// the `backend` route constraint that routes each request from the store's memory.
import fp from 'fastify-plugin';
import { FlagStore } from '../../flags/store.ts';
import type { FeatureName } from '../../flags/registry.ts';
import { backendConstraint } from '../routing/backend-constraint.ts';

declare module 'fastify' {
  interface FastifyInstance {
    flags: FlagStore;
  }
}

export interface FlagsPluginOptions {
  /** Where the *_BACKEND variables are read from. */
  env: Record<string, string | undefined>;
  /** Features with a native capsule mounted in this instance. */
  nativeFeatures: ReadonlySet<FeatureName>;
}

export const flagsPlugin = fp<FlagsPluginOptions>(async (app, { env, nativeFeatures }) => {
  const flags = new FlagStore(app.db, env, {
    syncIntervalMs: app.config.FLAG_SYNC_INTERVAL_MS,
    nativeFeatures,
    onSyncError: (err) => app.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'flag sync failed; keeping last known flags'),
    onChange: (feature, from, to) => {
      app.log.warn({ feature, reads: [from.reads, to.reads], writes: [from.writes, to.writes] }, 'feature rollout changed');
      if (from.reads.stage !== to.reads.stage) app.metrics.flagChange(feature, to.reads.stage);
    },
  });
  app.decorate('flags', flags);
  app.addConstraintStrategy(backendConstraint(flags, Boolean(app.config.LEGACY_URL)));
  app.addHook('onReady', async () => flags.start());
  app.addHook('onClose', async () => flags.stop());
}, { name: 'flags', dependencies: ['config', 'postgres', 'metrics'] });

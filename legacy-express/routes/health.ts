// GET /health for the legacy process: 200 while PostgreSQL answers, 503 otherwise.
import { Router } from 'express';
import type { Deps } from '../../src/infrastructure/deps.ts';
import { pingDb } from '../../src/db/pool.ts';

export function healthRouter(deps: Deps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [postgres, redis, storage] = await Promise.all([
      pingDb(deps.db),
      deps.redis ? deps.cache.ping() : Promise.resolve(null),
      deps.store ? deps.store.ping() : Promise.resolve(null),
    ]);
    const state = (v: boolean | null) => (v === null ? 'disabled' : v ? 'up' : 'down');
    res.status(postgres ? 200 : 503).json({
      status: postgres ? 'ok' : 'down',
      dependencies: { postgres: state(postgres), redis: state(redis), storage: state(storage) },
    });
  });
  return router;
}

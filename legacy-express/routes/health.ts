// The legacy process's health answers, the same semantics as the gateway's (src/health/health-routes.ts):
// GET /health/live and /health/ready answer while the process serves (no dependency check: readiness must
// not fail on a dependency every replica shares); GET /health pings the dependencies, 200 while PostgreSQL
// answers, 503 otherwise, with the detail only for an admin:flags token.
import { Router } from 'express';
import type { Deps } from '../../src/infrastructure/deps.ts';
import { pingDb } from '../../src/db/pool.ts';
import { showsDetail } from '../../src/health/health-detail.ts';

export function healthRouter(deps: Deps): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/health/ready', (_req, res) => void res.json({ status: 'ready' }));
  router.get('/health', async (req, res) => {
    const [postgres, redis, storage, detail] = await Promise.all([
      pingDb(deps.db),
      deps.redis ? deps.cache.ping() : Promise.resolve(null),
      deps.store ? deps.store.ping() : Promise.resolve(null),
      showsDetail(deps.verifyToken, req.headers.authorization),
    ]);
    const state = (v: boolean | null) => (v === null ? 'disabled' : v ? 'up' : 'down');
    const status = postgres ? 'ok' : 'down';
    res.status(postgres ? 200 : 503).json(
      detail ? { status, dependencies: { postgres: state(postgres), redis: state(redis), storage: state(storage) } } : { status },
    );
  });
  return router;
}

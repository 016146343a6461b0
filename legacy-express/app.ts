// The legacy Express 5 app: one router per feature behind auth, helmet, cors and one error middleware.
import express from 'express';
import helmet from 'helmet';
import cors from 'cors';
import type { Logger } from 'pino';
import type { Deps } from '../src/infrastructure/deps.ts';
import { requestContext } from './middleware/request-context.ts';
import { authenticate } from './middleware/authenticate.ts';
import { errorHandler, notFoundHandler } from './middleware/errors.ts';
import { routeNotFound } from '../src/policy/errors.ts';
import { jsonBody } from './middleware/json-body.ts';
import { originForm, refuseTraversal } from './middleware/request-target.ts';
import { healthRouter } from './routes/health.ts';
import { vehiclesRouter } from './routes/vehicles.ts';
import { fuelLogsRouter } from './routes/fuel-logs.ts';
import { stationsRouter } from './routes/stations.ts';
import { maintenanceRouter } from './routes/maintenance.ts';

export function buildLegacyApp(deps: Deps, log: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('case sensitive routing', true); // Fastify routes are case-sensitive
  app.set('etag', false); // the Fastify side sends no ETag; keep responses identical
  app.set('query parser', 'simple');
  app.use(originForm);
  app.use(requestContext(log));
  app.use(helmet());
  const origins = deps.config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  app.use(cors({ origin: origins.length ? origins : false }));
  app.use(refuseTraversal);

  // Express would answer OPTIONS itself with an Allow header; Fastify has no such routes (CORS preflights
  // are answered by the cors middleware above when the origin is allowed).
  app.use((req, _res, next) => next(req.method === 'OPTIONS' ? routeNotFound(req.method, req.originalUrl) : undefined));
  app.use(healthRouter(deps));
  const auth = authenticate(deps.verifyToken);
  // Fastify parses (and so can refuse) a DELETE's body too; judge it the same way here.
  const deleteBody: express.RequestHandler = (req, res, next) => (req.method === 'DELETE' ? jsonBody(req, res, next) : next());
  app.use('/api/vehicles', auth, deleteBody, vehiclesRouter(deps));
  app.use('/api/fuel-logs', auth, deleteBody, fuelLogsRouter(deps));
  app.use('/api/stations', auth, deleteBody, stationsRouter(deps));
  app.use('/api/maintenance', auth, deleteBody, maintenanceRouter(deps));

  app.use(notFoundHandler);
  app.use(errorHandler(log));
  return app;
}

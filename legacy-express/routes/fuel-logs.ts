// The legacy Express router for /api/fuel-logs. Same schemas and services as the Fastify capsule;
// only the HTTP plumbing differs. Static paths (/stats) must come before /:id in Express.
import { Router } from 'express';
import type { Deps } from '../../src/infrastructure/deps.ts';
import { jsonBody } from '../middleware/json-body.ts';
import { validate } from '../middleware/validate.ts';
import { currentUser } from '../middleware/authenticate.ts';
import {
  CreateFuelLogBodySchema, FuelLogParamsSchema, FuelStatsQuerySchema, ListFuelLogsQuerySchema, UpdateFuelLogBodySchema,
  type FuelLogParams, type FuelStatsQuery, type ListFuelLogsQuery,
} from '../../fastify-features/fuel-logs/model.ts';
import {
  createFuelLog, deleteFuelLog, getFuelLog, getFuelStats, listFuelLogs, updateFuelLog,
} from '../../fastify-features/fuel-logs/service.ts';

export function fuelLogsRouter(deps: Deps): Router {
  // caseSensitive like Fastify's router (`/STATS` is an id, not the stats route); trailing slashes are ignored by both.
  const router = Router({ caseSensitive: true });

  router.get('/', validate({ querystring: ListFuelLogsQuerySchema }), async (_req, res) => {
    res.json(await listFuelLogs(deps, currentUser(res).sub, res.locals.query as ListFuelLogsQuery));
  });

  router.post('/', jsonBody, validate({ body: CreateFuelLogBodySchema }), async (req, res) => {
    const log = await createFuelLog(deps, currentUser(res).sub, req.body);
    res.status(201).location(`${req.baseUrl}/${log.id}`).json(log);
  });

  router.get('/stats', validate({ querystring: FuelStatsQuerySchema }), async (_req, res) => {
    res.json(await getFuelStats(deps, currentUser(res).sub, (res.locals.query as FuelStatsQuery).vehicleId));
  });

  router.get('/:id', validate({ params: FuelLogParamsSchema }), async (_req, res) => {
    res.json(await getFuelLog(deps, currentUser(res).sub, (res.locals.params as FuelLogParams).id));
  });

  router.put('/:id', jsonBody, validate({ params: FuelLogParamsSchema, body: UpdateFuelLogBodySchema }), async (req, res) => {
    res.json(await updateFuelLog(deps, currentUser(res).sub, (res.locals.params as FuelLogParams).id, req.body));
  });

  // DELETE parses a body too, as Fastify does (415 for a non-JSON body, 400 for broken JSON).
  router.delete('/:id', jsonBody, validate({ params: FuelLogParamsSchema }), async (_req, res) => {
    await deleteFuelLog(deps, currentUser(res).sub, (res.locals.params as FuelLogParams).id);
    res.status(204).end();
  });

  return router;
}

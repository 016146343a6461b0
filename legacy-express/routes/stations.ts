// The legacy Express router of the stations feature: same schemas and service as the Fastify capsule.
import { Router } from 'express';
import type { Deps } from '../../src/infrastructure/deps.ts';
import { routeNotFound } from '../../src/policy/errors.ts';
import { jsonBody } from '../middleware/json-body.ts';
import { validate } from '../middleware/validate.ts';
import { currentUser } from '../middleware/authenticate.ts';
import {
  CreateSavedBodySchema, IdParamsSchema, SearchQuerySchema, UpdateSavedBodySchema,
  type IdParams, type SearchQuery,
} from '../../fastify-features/stations/model.ts';
import * as service from '../../fastify-features/stations/service.ts';

export function stationsRouter(deps: Deps): Router {
  // Case-sensitive like Fastify's router, so /SAVED is a 404 on both backends.
  const router = Router({ caseSensitive: true });

  router.get('/search', validate({ querystring: SearchQuerySchema }), async (_req, res) => {
    res.json(await service.searchStations(deps, currentUser(res).sub, res.locals.query as SearchQuery));
  });

  router.get('/saved', async (_req, res) => {
    res.json(await service.listSavedStations(deps, currentUser(res).sub));
  });

  router.post('/saved', jsonBody, validate({ body: CreateSavedBodySchema }), async (req, res) => {
    const saved = await service.saveStation(deps, currentUser(res).sub, req.body);
    res.status(201).location(`${req.baseUrl}/saved/${saved.id}`).json(saved);
  });

  router.get('/saved/:id', validate({ params: IdParamsSchema }), async (_req, res) => {
    res.json(await service.getSavedStation(deps, currentUser(res).sub, (res.locals.params as IdParams).id));
  });

  router.put('/saved/:id', jsonBody, validate({ params: IdParamsSchema, body: UpdateSavedBodySchema }), async (req, res) => {
    res.json(await service.updateSavedStation(deps, currentUser(res).sub, (res.locals.params as IdParams).id, req.body));
  });

  // jsonBody although DELETE takes no body: Fastify parses a body sent with DELETE (bad JSON → 400,
  // non-JSON → 415), so the legacy side must refuse the same requests.
  router.delete('/saved/:id', jsonBody, validate({ params: IdParamsSchema }), async (_req, res) => {
    await service.deleteSavedStation(deps, currentUser(res).sub, (res.locals.params as IdParams).id);
    res.status(204).end();
  });

  // Express answers OPTIONS by itself with the allowed methods; Fastify has no such route (404).
  router.options('/{*path}', (req, _res, next) => next(routeNotFound(req.method, req.originalUrl)));

  return router;
}

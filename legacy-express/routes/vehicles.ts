// The legacy Express router of /api/vehicles: the same schemas and service functions as the capsule.
import { Router } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../../src/infrastructure/deps.ts';
import { currentUser } from '../middleware/authenticate.ts';
import { jsonBody } from '../middleware/json-body.ts';
import { validate } from '../middleware/validate.ts';
import * as service from '../../fastify-features/vehicles/service.ts';
import {
  CreateVehicleBodySchema, IdParamsSchema, ListQuerySchema, UpdateVehicleBodySchema, VinParamsSchema,
  type CreateVehicleBody, type IdParams, type ListQuery, type UpdateVehicleBody, type VinParams,
} from '../../fastify-features/vehicles/model.ts';

export function vehiclesRouter(deps: Deps): Router {
  // caseSensitive: `/DECODE-VIN/..` is a 404 here as in Fastify's router (trailing slashes are ignored by both).
  const router = Router({ caseSensitive: true });
  const byId = validate({ params: IdParamsSchema });

  router.get('/', validate({ querystring: ListQuerySchema }), async (_req, res) => {
    res.json(await service.listVehicles(deps, currentUser(res).sub, res.locals.query as ListQuery));
  });

  router.post('/', jsonBody, validate({ body: CreateVehicleBodySchema }), async (req, res) => {
    const vehicle = await service.createVehicle(deps, currentUser(res).sub, req.body as CreateVehicleBody);
    res.status(201).location(`${req.baseUrl}/${vehicle.id}`).json(vehicle);
  });

  // Before '/:id' routes, as in any Express app with a static segment next to a parameter.
  router.get('/decode-vin/:vin', validate({ params: VinParamsSchema }), async (_req, res) => {
    res.json(await service.decodeVin(deps, (res.locals.params as VinParams).vin));
  });

  router.get('/:id', byId, async (_req, res) => {
    res.json(await service.getVehicle(deps, currentUser(res).sub, (res.locals.params as IdParams).id));
  });

  router.put('/:id', jsonBody, validate({ params: IdParamsSchema, body: UpdateVehicleBodySchema }), async (req, res) => {
    const { id } = res.locals.params as IdParams;
    res.json(await service.updateVehicle(deps, currentUser(res).sub, id, req.body as UpdateVehicleBody));
  });

  // DELETE routes parse a body too, as Fastify does (415 for a non-JSON body, 400 for broken JSON).
  router.delete('/:id', jsonBody, byId, async (_req, res) => {
    await service.deleteVehicle(deps, currentUser(res).sub, (res.locals.params as IdParams).id);
    res.status(204).end();
  });

  router.put('/:id/photo', byId, async (req, res) => {
    res.json(await service.putVehiclePhoto(deps, currentUser(res).sub, (res.locals.params as IdParams).id, {
      body: req,
      contentType: req.headers['content-type'],
      contentLength: req.headers['content-length'],
    }));
  });

  router.get('/:id/photo', byId, async (_req, res) => {
    const photo = await service.getVehiclePhoto(deps, currentUser(res).sub, (res.locals.params as IdParams).id);
    res.setHeader('content-type', photo.contentType);
    res.setHeader('content-length', String(photo.contentLength));
    await pipeline(photo.stream, res);
  });

  router.delete('/:id/photo', jsonBody, byId, async (_req, res) => {
    await service.deleteVehiclePhoto(deps, currentUser(res).sub, (res.locals.params as IdParams).id);
    res.status(204).end();
  });

  return router;
}

// The native Fastify routes of /api/vehicles: HTTP in, service call, HTTP out.
import { userOf } from '../../../src/plugins/auth.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import type { CapsuleOptions } from '../../../src/capsules/capsule.ts';
import * as service from '../service.ts';
import {
  CreateVehicleBodySchema, IdParamsSchema, ListQuerySchema, UpdateVehicleBodySchema, VehicleListSchema,
  VehicleSchema, VinDecodeSchema, VinParamsSchema,
} from '../model.ts';

export const vehiclesRoutes: FastifyPluginAsync<CapsuleOptions> = async (fastify, { deps }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);

  app.get('/', { schema: { querystring: ListQuerySchema, response: { 200: VehicleListSchema } } },
    (request) => service.listVehicles(deps, userOf(request).sub, request.query));

  app.post('/', { schema: { body: CreateVehicleBodySchema, response: { 201: VehicleSchema } } }, async (request, reply) => {
    const vehicle = await service.createVehicle(deps, userOf(request).sub, request.body);
    return reply.code(201).header('location', `${app.prefix}/${vehicle.id}`).send(vehicle);
  });

  app.get('/decode-vin/:vin', { schema: { params: VinParamsSchema, response: { 200: VinDecodeSchema } } },
    (request) => service.decodeVin(deps, request.params.vin));

  app.get('/:id', { schema: { params: IdParamsSchema, response: { 200: VehicleSchema } } },
    (request) => service.getVehicle(deps, userOf(request).sub, request.params.id));

  app.put('/:id', { schema: { params: IdParamsSchema, body: UpdateVehicleBodySchema, response: { 200: VehicleSchema } } },
    (request) => service.updateVehicle(deps, userOf(request).sub, request.params.id, request.body));

  app.delete('/:id', { schema: { params: IdParamsSchema } }, async (request, reply) => {
    await service.deleteVehicle(deps, userOf(request).sub, request.params.id);
    return reply.code(204).send();
  });

  app.get('/:id/photo', { schema: { params: IdParamsSchema } }, async (request, reply) => {
    const photo = await service.getVehiclePhoto(deps, userOf(request).sub, request.params.id);
    return reply.type(photo.contentType).header('content-length', photo.contentLength).send(photo.stream);
  });

  app.delete('/:id/photo', { schema: { params: IdParamsSchema } }, async (request, reply) => {
    await service.deleteVehiclePhoto(deps, userOf(request).sub, request.params.id);
    return reply.code(204).send();
  });

  // The upload takes the raw body stream, whatever its content type (the store judges type and size).
  await app.register(async (child) => {
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    child.withTypeProvider<TypeBoxTypeProvider>().put('/:id/photo',
      { schema: { params: IdParamsSchema, response: { 200: VehicleSchema } } },
      async (request) => {
        return service.putVehiclePhoto(deps, userOf(request).sub, request.params.id, {
          body: (request.body as Readable | undefined) ?? request.raw,
          contentType: request.headers['content-type'],
          contentLength: request.headers['content-length'],
        });
      });
  });
};

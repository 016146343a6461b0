// The native Fastify routes of /api/vehicles: HTTP in, service call, HTTP out.
import { userOf } from '../../../src/plugins/auth.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import type { CapsuleOptions } from '../../../src/capsules/capsule.ts';
import * as service from '../service.ts';
import { PHOTO_MAX_BYTES, PHOTO_TYPES } from '../service.ts';
import {
  CreateVehicleBodySchema, IdParamsSchema, ListQuerySchema, UpdateVehicleBodySchema, VehicleListSchema,
  VehicleSchema, VinDecodeSchema, VinParamsSchema,
} from '../model.ts';
import { Bytes, Created, NoContent, errorResponses, rawUpload } from '../../../src/policy/schemas.ts';

export const vehiclesRoutes: FastifyPluginAsync<CapsuleOptions> = async (fastify, { deps }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);

  app.get('/', { schema: { summary: 'List your vehicles, oldest first', querystring: ListQuerySchema, response: { 200: VehicleListSchema, ...errorResponses(400) } } },
    (request) => service.listVehicles(deps, userOf(request).sub, request.query));

  app.post('/', {
    schema: {
      summary: 'Create a vehicle (make, model and year decoded from the VIN when missing)',
      body: CreateVehicleBodySchema, response: { 201: Created(VehicleSchema), ...errorResponses(400, 409, 413, 415, 502) },
    },
  }, async (request, reply) => {
    const vehicle = await service.createVehicle(deps, userOf(request).sub, request.body);
    return reply.code(201).header('location', `${app.prefix}/${vehicle.id}`).send(vehicle);
  });

  app.get('/decode-vin/:vin', { schema: { summary: 'Decode a VIN with NHTSA vPIC (cached)', params: VinParamsSchema, response: { 200: VinDecodeSchema, ...errorResponses(400, 502) } } },
    (request) => service.decodeVin(deps, request.params.vin));

  app.get('/:id', { schema: { summary: 'One vehicle', params: IdParamsSchema, response: { 200: VehicleSchema, ...errorResponses(400, 404) } } },
    (request) => service.getVehicle(deps, userOf(request).sub, request.params.id));

  app.put('/:id', {
    schema: { summary: 'Update a vehicle (partial; vin cannot change)', params: IdParamsSchema, body: UpdateVehicleBodySchema, response: { 200: VehicleSchema, ...errorResponses(400, 404, 413, 415) } },
  },
    (request) => service.updateVehicle(deps, userOf(request).sub, request.params.id, request.body));

  app.delete('/:id', { schema: { summary: 'Delete a vehicle (soft; its fuel logs and maintenance disappear)', params: IdParamsSchema, response: { 204: NoContent, ...errorResponses(400, 404) } } }, async (request, reply) => {
    await service.deleteVehicle(deps, userOf(request).sub, request.params.id);
    return reply.code(204).send();
  });

  app.get('/:id/photo', { schema: { summary: "The vehicle's photo", params: IdParamsSchema, response: { 200: Bytes(PHOTO_TYPES), ...errorResponses(400, 404) } } }, async (request, reply) => {
    const photo = await service.getVehiclePhoto(deps, userOf(request).sub, request.params.id);
    return reply.type(photo.contentType).header('content-length', photo.contentLength).send(photo.stream);
  });

  app.delete('/:id/photo', { schema: { summary: "Remove the vehicle's photo", params: IdParamsSchema, response: { 204: NoContent, ...errorResponses(400, 404) } } }, async (request, reply) => {
    await service.deleteVehiclePhoto(deps, userOf(request).sub, request.params.id);
    return reply.code(204).send();
  });

  // The upload takes the raw body stream, whatever its content type (the store judges type and size).
  await app.register(async (child) => {
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    child.withTypeProvider<TypeBoxTypeProvider>().put('/:id/photo',
      {
        schema: {
          summary: 'Upload the vehicle\'s photo (raw body)', ...rawUpload(PHOTO_TYPES, PHOTO_MAX_BYTES),
          params: IdParamsSchema, response: { 200: VehicleSchema, ...errorResponses(400, 404, 413, 415) },
        },
      },
      async (request) => {
        return service.putVehiclePhoto(deps, userOf(request).sub, request.params.id, {
          body: (request.body as Readable | undefined) ?? request.raw,
          contentType: request.headers['content-type'],
          contentLength: request.headers['content-length'],
        });
      });
  });
};

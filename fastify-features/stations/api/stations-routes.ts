// The native Fastify routes of the stations feature (registered under /api/stations by the gateway).
import { userOf } from '../../../src/plugins/auth.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CapsuleOptions } from '../../../src/capsules/capsule.ts';
import {
  CreateSavedBodySchema, IdParamsSchema, SavedListResponseSchema, SavedStationSchema, SearchQuerySchema,
  SearchResponseSchema, UpdateSavedBodySchema,
} from '../model.ts';
import * as service from '../service.ts';

export const stationsRoutes: FastifyPluginAsync<CapsuleOptions> = async (fastify, { deps }) => {
  fastify.addHook('onRequest', fastify.authenticate);
  // JSON is the only body this feature takes. Fastify's default text/plain parser would let a text body
  // reach validation (400) where the legacy app answers 415.
  fastify.removeContentTypeParser('text/plain');
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/search', {
    schema: { querystring: SearchQuerySchema, response: { 200: SearchResponseSchema } },
  }, async (request) => service.searchStations(deps, userOf(request).sub, request.query));

  app.get('/saved', {
    schema: { response: { 200: SavedListResponseSchema } },
  }, async (request) => service.listSavedStations(deps, userOf(request).sub));

  app.post('/saved', {
    schema: { body: CreateSavedBodySchema, response: { 201: SavedStationSchema } },
  }, async (request, reply) => {
    const saved = await service.saveStation(deps, userOf(request).sub, request.body);
    return reply.code(201).header('location', `${app.prefix}/saved/${saved.id}`).send(saved);
  });

  app.get('/saved/:id', {
    schema: { params: IdParamsSchema, response: { 200: SavedStationSchema } },
  }, async (request) => service.getSavedStation(deps, userOf(request).sub, request.params.id));

  app.put('/saved/:id', {
    schema: { params: IdParamsSchema, body: UpdateSavedBodySchema, response: { 200: SavedStationSchema } },
  }, async (request) => service.updateSavedStation(deps, userOf(request).sub, request.params.id, request.body));

  app.delete('/saved/:id', {
    schema: { params: IdParamsSchema },
  }, async (request, reply) => {
    await service.deleteSavedStation(deps, userOf(request).sub, request.params.id);
    return reply.code(204).send();
  });
};

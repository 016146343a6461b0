// The native Fastify routes of the stations feature (registered under /api/stations by the gateway).
import { userOf } from '../../../src/plugins/auth.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CapsuleOptions } from '../../../src/capsules/capsule.ts';
import {
  CreateSavedBodySchema, IdParamsSchema, SavedListResponseSchema, SavedStationSchema, SearchQuerySchema,
  SearchResponseSchema, UpdateSavedBodySchema,
} from '../model.ts';
import { Created, NoContent, errorResponses } from '../../../src/policy/schemas.ts';
import * as service from '../service.ts';

export const stationsRoutes: FastifyPluginAsync<CapsuleOptions> = async (fastify, { deps }) => {
  fastify.addHook('onRequest', fastify.authenticate);
  // JSON is the only body this feature takes. Fastify's default text/plain parser would let a text body
  // reach validation (400) where the legacy app answers 415.
  fastify.removeContentTypeParser('text/plain');
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/search', {
    schema: { summary: 'Gas stations near a point, nearest first (Google Places, cached)', querystring: SearchQuerySchema, response: { 200: SearchResponseSchema, ...errorResponses(400, 502) } },
  }, async (request) => service.searchStations(deps, userOf(request).sub, request.query));

  app.get('/saved', {
    schema: { summary: 'Your saved stations, oldest first', response: { 200: SavedListResponseSchema, ...errorResponses() } },
  }, async (request) => service.listSavedStations(deps, userOf(request).sub));

  app.post('/saved', {
    schema: { summary: 'Save a station', body: CreateSavedBodySchema, response: { 201: Created(SavedStationSchema), ...errorResponses(400, 409, 413, 415) } },
  }, async (request, reply) => {
    const saved = await service.saveStation(deps, userOf(request).sub, request.body);
    return reply.code(201).header('location', `${app.prefix}/saved/${saved.id}`).send(saved);
  });

  app.get('/saved/:id', {
    schema: { summary: 'One saved station', params: IdParamsSchema, response: { 200: SavedStationSchema, ...errorResponses(400, 404) } },
  }, async (request) => service.getSavedStation(deps, userOf(request).sub, request.params.id));

  app.put('/saved/:id', {
    schema: {
      summary: 'Update a saved station (nickname, isFavorite)', params: IdParamsSchema, body: UpdateSavedBodySchema,
      response: { 200: SavedStationSchema, ...errorResponses(400, 404, 413, 415) },
    },
  }, async (request) => service.updateSavedStation(deps, userOf(request).sub, request.params.id, request.body));

  app.delete('/saved/:id', {
    schema: { summary: 'Forget a saved station', params: IdParamsSchema, response: { 204: NoContent, ...errorResponses(400, 404) } },
  }, async (request, reply) => {
    await service.deleteSavedStation(deps, userOf(request).sub, request.params.id);
    return reply.code(204).send();
  });
};

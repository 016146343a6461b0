// Native Fastify routes of the fuel-logs capsule (registered under /api/fuel-logs by the gateway).
// Thin: validated input in, service call, status/headers out. Errors are AppErrors for the gateway's handler.
import { userOf } from '../../../src/plugins/auth.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CapsuleOptions } from '../../../src/capsules/capsule.ts';
import {
  CreateFuelLogBodySchema, FuelLogListSchema, FuelLogParamsSchema, FuelLogSchema, FuelStatsQuerySchema,
  FuelStatsSchema, ListFuelLogsQuerySchema, UpdateFuelLogBodySchema,
} from '../model.ts';
import { Created, NoContent, errorResponses } from '../../../src/policy/schemas.ts';
import {
  createFuelLog, deleteFuelLog, getFuelLog, getFuelStats, listFuelLogs, updateFuelLog,
} from '../service.ts';

export const fuelLogsRoutes: FastifyPluginAsync<CapsuleOptions> = async (fastify, { deps }) => {
  fastify.addHook('onRequest', fastify.authenticate);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/', {
    schema: { summary: 'List your fuel logs, newest first', querystring: ListFuelLogsQuerySchema, response: { 200: FuelLogListSchema, ...errorResponses(400, 404) } },
  }, (request) => listFuelLogs(deps, userOf(request).sub, request.query));

  app.post('/', {
    schema: { summary: 'Log a fill-up', body: CreateFuelLogBodySchema, response: { 201: Created(FuelLogSchema), ...errorResponses(400, 404, 413, 415) } },
  }, async (request, reply) => {
    const log = await createFuelLog(deps, userOf(request).sub, request.body);
    return reply.code(201).header('location', `${app.prefix}/${log.id}`).send(log);
  });

  // Static path before the parametric one (Fastify does not need it; the Express twin does).
  app.get('/stats', {
    schema: { summary: "A vehicle's fuel statistics (cached)", querystring: FuelStatsQuerySchema, response: { 200: FuelStatsSchema, ...errorResponses(400, 404) } },
  }, (request) => getFuelStats(deps, userOf(request).sub, request.query.vehicleId));

  app.get('/:id', {
    schema: { summary: 'One fuel log', params: FuelLogParamsSchema, response: { 200: FuelLogSchema, ...errorResponses(400, 404) } },
  }, (request) => getFuelLog(deps, userOf(request).sub, request.params.id));

  app.put('/:id', {
    schema: {
      summary: 'Update a fuel log (partial; not vehicleId)', params: FuelLogParamsSchema, body: UpdateFuelLogBodySchema,
      response: { 200: FuelLogSchema, ...errorResponses(400, 404, 413, 415) },
    },
  }, (request) => updateFuelLog(deps, userOf(request).sub, request.params.id, request.body));

  app.delete('/:id', {
    schema: { summary: 'Delete a fuel log', params: FuelLogParamsSchema, response: { 204: NoContent, ...errorResponses(400, 404) } },
  }, async (request, reply) => {
    await deleteFuelLog(deps, userOf(request).sub, request.params.id);
    return reply.code(204).send();
  });
};

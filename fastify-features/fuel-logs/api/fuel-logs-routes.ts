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
import {
  createFuelLog, deleteFuelLog, getFuelLog, getFuelStats, listFuelLogs, updateFuelLog,
} from '../service.ts';

export const fuelLogsRoutes: FastifyPluginAsync<CapsuleOptions> = async (fastify, { deps }) => {
  fastify.addHook('onRequest', fastify.authenticate);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/', {
    schema: { querystring: ListFuelLogsQuerySchema, response: { 200: FuelLogListSchema } },
  }, (request) => listFuelLogs(deps, userOf(request).sub, request.query));

  app.post('/', {
    schema: { body: CreateFuelLogBodySchema, response: { 201: FuelLogSchema } },
  }, async (request, reply) => {
    const log = await createFuelLog(deps, userOf(request).sub, request.body);
    return reply.code(201).header('location', `${app.prefix}/${log.id}`).send(log);
  });

  // Static path before the parametric one (Fastify does not need it; the Express twin does).
  app.get('/stats', {
    schema: { querystring: FuelStatsQuerySchema, response: { 200: FuelStatsSchema } },
  }, (request) => getFuelStats(deps, userOf(request).sub, request.query.vehicleId));

  app.get('/:id', {
    schema: { params: FuelLogParamsSchema, response: { 200: FuelLogSchema } },
  }, (request) => getFuelLog(deps, userOf(request).sub, request.params.id));

  app.put('/:id', {
    schema: { params: FuelLogParamsSchema, body: UpdateFuelLogBodySchema, response: { 200: FuelLogSchema } },
  }, (request) => updateFuelLog(deps, userOf(request).sub, request.params.id, request.body));

  app.delete('/:id', {
    schema: { params: FuelLogParamsSchema },
  }, async (request, reply) => {
    await deleteFuelLog(deps, userOf(request).sub, request.params.id);
    return reply.code(204).send();
  });
};

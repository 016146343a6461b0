// The native Fastify routes of the maintenance feature (mounted by the gateway under /api/maintenance).
import { userOf } from '../../../src/plugins/auth.ts';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import type { CapsuleOptions } from '../../../src/capsules/capsule.ts';
import * as service from '../service.ts';
import {
  IdParams, MaintenanceRecord, MaintenanceSchedule, RecordCreateBody, RecordList, RecordListQuery, RecordUpdateBody,
  ScheduleCreateBody, ScheduleList, ScheduleListQuery, ScheduleUpdateBody, UpcomingList, UpcomingQuery,
} from '../model.ts';
import { RECEIPT_MAX_BYTES, RECEIPT_TYPES } from '../model.ts';
import { Bytes, Created, NoContent, errorResponses, rawUpload } from '../../../src/policy/schemas.ts';

export const maintenanceRoutes: FastifyPluginAsync<CapsuleOptions> = async (fastify, { deps }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);

  // ---- records ----
  app.get('/records', { schema: { summary: 'List your maintenance records, newest first', querystring: RecordListQuery, response: { 200: RecordList, ...errorResponses(400) } } },
    async (req) => service.listRecords(deps, userOf(req).sub, req.query));

  app.post('/records', {
    schema: { summary: 'Record a maintenance', body: RecordCreateBody, response: { 201: Created(MaintenanceRecord), ...errorResponses(400, 404, 413, 415) } },
  }, async (req, reply) => {
    const record = await service.createRecord(deps, userOf(req).sub, req.body);
    return reply.code(201).header('location', `${app.prefix}/records/${record.id}`).send(record);
  });

  app.get('/records/:id', { schema: { summary: 'One maintenance record', params: IdParams, response: { 200: MaintenanceRecord, ...errorResponses(400, 404) } } },
    async (req) => service.getRecord(deps, userOf(req).sub, req.params.id));

  app.put('/records/:id', {
    schema: { summary: 'Update a maintenance record (partial)', params: IdParams, body: RecordUpdateBody, response: { 200: MaintenanceRecord, ...errorResponses(400, 404, 413, 415) } },
  },
    async (req) => service.updateRecord(deps, userOf(req).sub, req.params.id, req.body));

  app.delete('/records/:id', { schema: { summary: 'Delete a maintenance record (and its receipt)', params: IdParams, response: { 204: NoContent, ...errorResponses(400, 404) } } }, async (req, reply) => {
    await service.deleteRecord(deps, userOf(req).sub, req.params.id);
    return reply.code(204).send();
  });

  // ---- receipt ----
  await app.register(receiptUpload, { deps });

  app.get('/records/:id/receipt', { schema: { summary: "A record's receipt", params: IdParams, response: { 200: Bytes(RECEIPT_TYPES), ...errorResponses(400, 404) } } }, async (req, reply) => {
    const obj = await service.getReceipt(deps, userOf(req).sub, req.params.id);
    return reply.type(obj.contentType).header('content-length', obj.contentLength).send(obj.stream);
  });

  app.delete('/records/:id/receipt', { schema: { summary: "Remove a record's receipt", params: IdParams, response: { 204: NoContent, ...errorResponses(400, 404) } } }, async (req, reply) => {
    await service.deleteReceipt(deps, userOf(req).sub, req.params.id);
    return reply.code(204).send();
  });

  // ---- schedules ----
  app.get('/schedules', { schema: { summary: 'Your maintenance schedules, by type', querystring: ScheduleListQuery, response: { 200: ScheduleList, ...errorResponses(400) } } },
    async (req) => service.listSchedules(deps, userOf(req).sub, req.query));

  app.post('/schedules', {
    schema: { summary: 'Create a schedule (one per vehicle and type)', body: ScheduleCreateBody, response: { 201: Created(MaintenanceSchedule), ...errorResponses(400, 404, 409, 413, 415) } },
  }, async (req, reply) => {
    const schedule = await service.createSchedule(deps, userOf(req).sub, req.body);
    return reply.code(201).header('location', `${app.prefix}/schedules/${schedule.id}`).send(schedule);
  });

  app.get('/schedules/:id', { schema: { summary: 'One schedule', params: IdParams, response: { 200: MaintenanceSchedule, ...errorResponses(400, 404) } } },
    async (req) => service.getSchedule(deps, userOf(req).sub, req.params.id));

  app.put('/schedules/:id', {
    schema: { summary: 'Update a schedule (intervals, notes)', params: IdParams, body: ScheduleUpdateBody, response: { 200: MaintenanceSchedule, ...errorResponses(400, 404, 413, 415) } },
  },
    async (req) => service.updateSchedule(deps, userOf(req).sub, req.params.id, req.body));

  app.delete('/schedules/:id', { schema: { summary: 'Delete a schedule', params: IdParams, response: { 204: NoContent, ...errorResponses(400, 404) } } }, async (req, reply) => {
    await service.deleteSchedule(deps, userOf(req).sub, req.params.id);
    return reply.code(204).send();
  });

  // ---- upcoming ----
  app.get('/upcoming', { schema: { summary: 'Due and overdue maintenance of a vehicle', querystring: UpcomingQuery, response: { 200: UpcomingList, ...errorResponses(400, 404) } } },
    async (req) => service.getUpcoming(deps, userOf(req).sub, req.query));
};

/** The receipt upload, in a child scope whose only body parser hands over the raw request stream. */
const receiptUpload: FastifyPluginAsync<CapsuleOptions> = async (fastify: FastifyInstance, { deps }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.put('/records/:id/receipt', {
    schema: {
      summary: "Upload a record's receipt (raw body)", ...rawUpload(RECEIPT_TYPES, RECEIPT_MAX_BYTES),
      params: IdParams, response: { 200: MaintenanceRecord, ...errorResponses(400, 404, 413, 415) },
    },
  }, async (req) => {
    return service.putReceipt(deps, userOf(req).sub, req.params.id, {
      body: (req.body as Readable | undefined) ?? req.raw,
      contentType: req.headers['content-type'],
      contentLength: req.headers['content-length'],
    });
  });
};

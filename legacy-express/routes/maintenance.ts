// The legacy Express router of the maintenance feature. Same schemas and service as the Fastify capsule
// (fastify-features/maintenance), so only the HTTP layer lives here.
import { Router, type Request, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../../src/infrastructure/deps.ts';
import { currentUser } from '../middleware/authenticate.ts';
import { jsonBody } from '../middleware/json-body.ts';
import { validate } from '../middleware/validate.ts';
import * as service from '../../fastify-features/maintenance/service.ts';
import {
  IdParams, RecordCreateBody, RecordListQuery, RecordUpdateBody, ScheduleCreateBody, ScheduleListQuery,
  ScheduleUpdateBody, UpcomingQuery,
  type IdParams as Id, type RecordListQuery as RecordQuery, type ScheduleListQuery as ScheduleQuery, type UpcomingQuery as Upcoming,
} from '../../fastify-features/maintenance/model.ts';

const user = (res: Response) => currentUser(res).sub;
const id = (res: Response) => (res.locals.params as Id).id;

export function maintenanceRouter(deps: Deps): Router {
  // Case-sensitive like Fastify's router; trailing slashes are tolerated on both sides.
  const router = Router({ caseSensitive: true });

  // ---- records ----
  router.get('/records', validate({ querystring: RecordListQuery }), async (_req, res) => {
    res.json(await service.listRecords(deps, user(res), res.locals.query as RecordQuery));
  });

  router.post('/records', jsonBody, validate({ body: RecordCreateBody }), async (req, res) => {
    const record = await service.createRecord(deps, user(res), req.body);
    res.status(201).setHeader('location', `${req.baseUrl}/records/${record.id}`);
    res.json(record);
  });

  router.get('/records/:id', validate({ params: IdParams }), async (_req, res) => {
    res.json(await service.getRecord(deps, user(res), id(res)));
  });

  router.put('/records/:id', jsonBody, validate({ params: IdParams, body: RecordUpdateBody }), async (req, res) => {
    res.json(await service.updateRecord(deps, user(res), id(res), req.body));
  });

  router.delete('/records/:id', validate({ params: IdParams }), async (_req, res) => {
    await service.deleteRecord(deps, user(res), id(res));
    res.status(204).end();
  });

  // ---- receipt (raw body: no JSON parsing) ----
  router.put('/records/:id/receipt', validate({ params: IdParams }), async (req: Request, res) => {
    res.json(await service.putReceipt(deps, user(res), id(res), {
      body: req,
      contentType: req.headers['content-type'],
      contentLength: req.headers['content-length'],
    }));
  });

  router.get('/records/:id/receipt', validate({ params: IdParams }), async (_req, res) => {
    const obj = await service.getReceipt(deps, user(res), id(res));
    res.setHeader('content-type', obj.contentType);
    res.setHeader('content-length', String(obj.contentLength));
    await pipeline(obj.stream, res);
  });

  router.delete('/records/:id/receipt', validate({ params: IdParams }), async (_req, res) => {
    await service.deleteReceipt(deps, user(res), id(res));
    res.status(204).end();
  });

  // ---- schedules ----
  router.get('/schedules', validate({ querystring: ScheduleListQuery }), async (_req, res) => {
    res.json(await service.listSchedules(deps, user(res), res.locals.query as ScheduleQuery));
  });

  router.post('/schedules', jsonBody, validate({ body: ScheduleCreateBody }), async (req, res) => {
    const schedule = await service.createSchedule(deps, user(res), req.body);
    res.status(201).setHeader('location', `${req.baseUrl}/schedules/${schedule.id}`);
    res.json(schedule);
  });

  router.get('/schedules/:id', validate({ params: IdParams }), async (_req, res) => {
    res.json(await service.getSchedule(deps, user(res), id(res)));
  });

  router.put('/schedules/:id', jsonBody, validate({ params: IdParams, body: ScheduleUpdateBody }), async (req, res) => {
    res.json(await service.updateSchedule(deps, user(res), id(res), req.body));
  });

  router.delete('/schedules/:id', validate({ params: IdParams }), async (_req, res) => {
    await service.deleteSchedule(deps, user(res), id(res));
    res.status(204).end();
  });

  // ---- upcoming ----
  router.get('/upcoming', validate({ querystring: UpcomingQuery }), async (_req, res) => {
    res.json(await service.getUpcoming(deps, user(res), res.locals.query as Upcoming));
  });

  return router;
}

// The maintenance use cases, one function per route, shared by the Fastify capsule and the legacy router.
// Each takes (deps, userId, input) and returns the API object or throws an AppError. No caching: API.md
// caches nothing of this feature.
import type { Readable } from 'node:stream';
import type { Deps } from '../../src/infrastructure/deps.ts';
import { requireStore } from '../../src/infrastructure/deps.ts';
import { notFound, validationError } from '../../src/policy/errors.ts';
import { mediaType, objectKeys, type StoredObject } from '../../src/infrastructure/storage.ts';
import { clearThenRemove, storeThenSwitch } from '../../src/infrastructure/object-replace.ts';
import { utcToday } from './domain/dates.ts';
import { applyIntervalPatch, hasInterval, NO_INTERVAL, recordInputProblem } from './domain/rules.ts';
import { computeUpcoming } from './domain/upcoming.ts';
import * as records from './data/records-repository.ts';
import * as schedules from './data/schedules-repository.ts';
import * as upcoming from './data/upcoming-repository.ts';
import {
  RECEIPT_MAX_BYTES, RECEIPT_TYPES,
  type MaintenanceRecord, type MaintenanceSchedule, type RecordCreateBody, type RecordList, type RecordListQuery,
  type RecordUpdateBody, type ScheduleCreateBody, type ScheduleList, type ScheduleListQuery, type ScheduleUpdateBody,
  type UpcomingList, type UpcomingQuery,
} from './model.ts';

export interface ReceiptUpload {
  body: Readable;
  contentType: string | undefined;
  contentLength: string | undefined;
}

function checkRecordInput(input: RecordUpdateBody): void {
  const problem = recordInputProblem(input, utcToday());
  if (problem) throw validationError(problem.field, problem.message);
}

const found = <T>(value: T | null): T => {
  if (value === null) throw notFound();
  return value;
};

// ---- records ----

export async function listRecords(deps: Deps, userId: string, query: RecordListQuery): Promise<RecordList> {
  const { items, total } = await records.listRecords(deps.db, userId, query);
  return { items, total, limit: query.limit, offset: query.offset };
}

export async function createRecord(deps: Deps, userId: string, body: RecordCreateBody): Promise<MaintenanceRecord> {
  checkRecordInput(body);
  return found(await records.insertRecord(deps.db, userId, body));
}

export async function getRecord(deps: Deps, userId: string, id: string): Promise<MaintenanceRecord> {
  return found(await records.findRecord(deps.db, userId, id));
}

export async function updateRecord(deps: Deps, userId: string, id: string, patch: RecordUpdateBody): Promise<MaintenanceRecord> {
  checkRecordInput(patch);
  return found(await records.updateRecord(deps.db, userId, id, patch));
}

export async function deleteRecord(deps: Deps, userId: string, id: string): Promise<void> {
  const deleted = found(await records.deleteRecord(deps.db, userId, id));
  if (deleted.receiptKey && deps.store) {
    // The row is gone either way; a receipt left behind by a storage outage is an orphan the sweep removes.
    await deps.store.remove(deleted.receiptKey).catch(() => {});
  }
}

// ---- receipt ----

/** Like vehicle photos: a fresh object key, the row switched once it is complete, the old object deleted. */
export async function putReceipt(deps: Deps, userId: string, id: string, upload: ReceiptUpload): Promise<MaintenanceRecord> {
  found(await records.findRecord(deps.db, userId, id));
  const key = objectKeys.maintenanceReceipt(id);
  return found(await storeThenSwitch(requireStore(deps), key, { ...upload, allowedTypes: RECEIPT_TYPES, maxBytes: RECEIPT_MAX_BYTES },
    async () => {
      const s = await records.switchReceipt(deps.db, userId, id, key, mediaType(upload.contentType));
      return s && { value: s.record, previousKey: s.previousKey };
    }));
}

export async function getReceipt(deps: Deps, userId: string, id: string): Promise<StoredObject> {
  const { receipt } = found(await records.findRecordWithReceipt(deps.db, userId, id));
  if (!receipt) throw notFound();
  return found(await requireStore(deps).get(receipt.key));
}

/** 404 when the record has no receipt (like GET), else removes it (a storage outage changes nothing). */
export async function deleteReceipt(deps: Deps, userId: string, id: string): Promise<void> {
  const { receipt } = found(await records.findRecordWithReceipt(deps.db, userId, id));
  if (!receipt) throw notFound();
  await clearThenRemove(requireStore(deps), receipt.key,
    () => records.setReceiptKey(deps.db, userId, id, { from: receipt.key, to: null }),
    () => records.setReceiptKey(deps.db, userId, id, { from: null, to: receipt }));
}

// ---- schedules ----

export async function listSchedules(deps: Deps, userId: string, query: ScheduleListQuery): Promise<ScheduleList> {
  return { items: await schedules.listSchedules(deps.db, userId, query.vehicleId) };
}

export async function getSchedule(deps: Deps, userId: string, id: string): Promise<MaintenanceSchedule> {
  return found(await schedules.findSchedule(deps.db, userId, id));
}

export async function createSchedule(deps: Deps, userId: string, body: ScheduleCreateBody): Promise<MaintenanceSchedule> {
  if (!hasInterval({ intervalMiles: body.intervalMiles ?? null, intervalMonths: body.intervalMonths ?? null })) {
    throw validationError(NO_INTERVAL.field, NO_INTERVAL.message);
  }
  return found(await schedules.insertSchedule(deps.db, userId, body));
}

export async function updateSchedule(deps: Deps, userId: string, id: string, patch: ScheduleUpdateBody): Promise<MaintenanceSchedule> {
  const current = found(await schedules.findSchedule(deps.db, userId, id));
  if (!hasInterval(applyIntervalPatch(current, patch))) throw validationError(NO_INTERVAL.field, NO_INTERVAL.message);
  return found(await schedules.updateSchedule(deps.db, userId, id, patch));
}

export async function deleteSchedule(deps: Deps, userId: string, id: string): Promise<void> {
  if (!(await schedules.deleteSchedule(deps.db, userId, id))) throw notFound();
}

// ---- upcoming ----

export async function getUpcoming(deps: Deps, userId: string, query: UpcomingQuery): Promise<UpcomingList> {
  const { odometer, schedules } = found(await upcoming.upcomingInputs(deps.db, userId, query.vehicleId));
  return { items: computeUpcoming(schedules, odometer, query.asOf ?? utcToday()) as UpcomingList['items'] };
}

// The maintenance feature's HTTP schemas (TypeBox), shared by the Fastify capsule and the legacy router.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Page, PageQuery, Uuid, ResourceId } from '../../src/policy/schemas.ts';
import { MAINTENANCE_TYPES, type MaintenanceType } from './domain/types.ts';


// ajv-formats' "uuid" also accepts a "urn:uuid:" prefix, which PostgreSQL's uuid type rejects (→ 500);
// maxLength 36 refuses it (and is checked before the format, so the usual message stays 'format "uuid"').
export { Uuid };
export const DateString = Type.String({ format: 'date' });
const Timestamp = Type.String({ format: 'date-time' });

// A plain string enum (not a union of literals) so a bad value yields one error detail, not ten.
export const MaintenanceTypeSchema = Type.Unsafe<MaintenanceType>(Type.String({ enum: [...MAINTENANCE_TYPES] }));

// Upper bounds that keep values inside their PostgreSQL columns (a bigger value must be a 400, not a 500).
const Odometer = Type.Integer({ minimum: 0, maximum: 2_000_000 });
const Cost = Type.Number({ minimum: 0, maximum: 9_999_999_999.99 }); // numeric(12,2); ≤ 2 decimals: domain/rules.ts
const Description = Type.String({ maxLength: 500 });
const Shop = Type.String({ maxLength: 100 });
const IntervalMiles = Type.Integer({ minimum: 100, maximum: 100_000 });
const IntervalMonths = Type.Integer({ minimum: 1, maximum: 120 });
const Notes = Type.String({ maxLength: 500 });

export const IdParams = Type.Object({ id: Uuid });
export type IdParams = Static<typeof IdParams>;

// ---- records ----

export const RecordListQuery = Type.Object({
  vehicleId: Type.Optional(Uuid),
  ...PageQuery,
});
export type RecordListQuery = Static<typeof RecordListQuery>;

export const RecordCreateBody = Type.Object({
  vehicleId: Uuid,
  type: MaintenanceTypeSchema,
  description: Type.Optional(Nullable(Description)),
  date: DateString,
  odometer: Type.Optional(Nullable(Odometer)),
  cost: Type.Optional(Nullable(Cost)),
  shop: Type.Optional(Nullable(Shop)),
}, { additionalProperties: false });
export type RecordCreateBody = Static<typeof RecordCreateBody>;

export const RecordUpdateBody = Type.Object({
  type: Type.Optional(MaintenanceTypeSchema),
  description: Type.Optional(Nullable(Description)),
  date: Type.Optional(DateString),
  odometer: Type.Optional(Nullable(Odometer)),
  cost: Type.Optional(Nullable(Cost)),
  shop: Type.Optional(Nullable(Shop)),
}, { additionalProperties: false });
export type RecordUpdateBody = Static<typeof RecordUpdateBody>;

export const MaintenanceRecord = Type.Object({
  id: ResourceId,
  vehicleId: ResourceId,
  type: MaintenanceTypeSchema,
  description: Nullable(Type.String()),
  date: DateString,
  odometer: Nullable(Type.Integer()),
  cost: Nullable(Type.Number()),
  shop: Nullable(Type.String()),
  hasReceipt: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type MaintenanceRecord = Static<typeof MaintenanceRecord>;

export const RecordList = Page(MaintenanceRecord);
export type RecordList = Static<typeof RecordList>;

// ---- schedules ----

export const ScheduleListQuery = Type.Object({ vehicleId: Type.Optional(Uuid) });
export type ScheduleListQuery = Static<typeof ScheduleListQuery>;

export const ScheduleCreateBody = Type.Object({
  vehicleId: Uuid,
  type: MaintenanceTypeSchema,
  intervalMiles: Type.Optional(Nullable(IntervalMiles)),
  intervalMonths: Type.Optional(Nullable(IntervalMonths)),
  notes: Type.Optional(Nullable(Notes)),
}, { additionalProperties: false });
export type ScheduleCreateBody = Static<typeof ScheduleCreateBody>;

export const ScheduleUpdateBody = Type.Object({
  intervalMiles: Type.Optional(Nullable(IntervalMiles)),
  intervalMonths: Type.Optional(Nullable(IntervalMonths)),
  notes: Type.Optional(Nullable(Notes)),
}, { additionalProperties: false });
export type ScheduleUpdateBody = Static<typeof ScheduleUpdateBody>;

export const MaintenanceSchedule = Type.Object({
  id: ResourceId,
  vehicleId: ResourceId,
  type: MaintenanceTypeSchema,
  intervalMiles: Nullable(Type.Integer()),
  intervalMonths: Nullable(Type.Integer()),
  notes: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type MaintenanceSchedule = Static<typeof MaintenanceSchedule>;

export const ScheduleList = Type.Object({ items: Type.Array(MaintenanceSchedule) });
export type ScheduleList = Static<typeof ScheduleList>;

// ---- upcoming ----

export const UpcomingQuery = Type.Object({
  vehicleId: Uuid,
  asOf: Type.Optional(DateString),
});
export type UpcomingQuery = Static<typeof UpcomingQuery>;

export const UpcomingItem = Type.Object({
  scheduleId: ResourceId,
  type: MaintenanceTypeSchema,
  lastServiceDate: Nullable(DateString),
  lastServiceOdometer: Nullable(Type.Integer()),
  dueDate: Nullable(DateString),
  dueOdometer: Nullable(Type.Integer()),
  daysRemaining: Nullable(Type.Integer()),
  milesRemaining: Nullable(Type.Integer()),
  status: Type.Unsafe<'overdue' | 'due_soon' | 'ok' | 'unknown'>(Type.String({ enum: ['overdue', 'due_soon', 'ok', 'unknown'] })),
});
export type UpcomingItem = Static<typeof UpcomingItem>;

export const UpcomingList = Type.Object({ items: Type.Array(UpcomingItem) });
export type UpcomingList = Static<typeof UpcomingList>;

/** Upload limits of the receipt route (API.md). */
export const RECEIPT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const RECEIPT_MAX_BYTES = 10 * 1024 * 1024;

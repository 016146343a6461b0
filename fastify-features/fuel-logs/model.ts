// The fuel-logs contract as TypeBox schemas, shared by the Fastify routes, the legacy Express router
// (through validate()) and the tests.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Page, PageQuery, Uuid, ResourceId } from '../../src/policy/schemas.ts';

export { Uuid };

// Input bounds of API.md. Decimal places (3 for gallons/prices, 2 for money) are checked by the service,
// because AJV's multipleOf misfires on binary floats. totalCost's maximum is the column's capacity.
const Odometer = Type.Integer({ minimum: 0, maximum: 2_000_000 });
const Gallons = Type.Number({ exclusiveMinimum: 0, maximum: 1000 });
const PricePerGallon = Type.Number({ exclusiveMinimum: 0, maximum: 100 });
const TotalCost = Type.Number({ minimum: 0, maximum: 9_999_999_999.99 });
const LogDate = Type.String({ format: 'date' });
const StationPlaceId = Nullable(Type.String({ maxLength: 255 }));
const Notes = Nullable(Type.String({ maxLength: 500 }));

export const FuelLogParamsSchema = Type.Object({ id: Uuid });
export type FuelLogParams = Static<typeof FuelLogParamsSchema>;

// Query strings stay open to unknown parameters (cache busters, tracking); only bodies are strict.
export const ListFuelLogsQuerySchema = Type.Object({
  vehicleId: Type.Optional(Uuid),
  ...PageQuery,
});
export type ListFuelLogsQuery = Static<typeof ListFuelLogsQuerySchema>;

export const FuelStatsQuerySchema = Type.Object({ vehicleId: Uuid });
export type FuelStatsQuery = Static<typeof FuelStatsQuerySchema>;

export const CreateFuelLogBodySchema = Type.Object({
  vehicleId: Uuid,
  date: LogDate,
  odometer: Odometer,
  gallons: Gallons,
  pricePerGallon: PricePerGallon,
  totalCost: Type.Optional(TotalCost),
  fullTank: Type.Optional(Type.Boolean()),
  stationPlaceId: Type.Optional(StationPlaceId),
  notes: Type.Optional(Notes),
}, { additionalProperties: false });
export type CreateFuelLogBody = Static<typeof CreateFuelLogBodySchema>;

// Partial update; vehicleId is deliberately absent, so sending it is an "is not allowed" 400.
export const UpdateFuelLogBodySchema = Type.Object({
  date: Type.Optional(LogDate),
  odometer: Type.Optional(Odometer),
  gallons: Type.Optional(Gallons),
  pricePerGallon: Type.Optional(PricePerGallon),
  totalCost: Type.Optional(TotalCost),
  fullTank: Type.Optional(Type.Boolean()),
  stationPlaceId: Type.Optional(StationPlaceId),
  notes: Type.Optional(Notes),
}, { additionalProperties: false });
export type UpdateFuelLogBody = Static<typeof UpdateFuelLogBodySchema>;

export const FuelLogSchema = Type.Object({
  id: ResourceId,
  vehicleId: ResourceId,
  date: Type.String({ format: 'date' }),
  odometer: Type.Integer(),
  gallons: Type.Number(),
  pricePerGallon: Type.Number(),
  totalCost: Type.Number(),
  fullTank: Type.Boolean(),
  stationPlaceId: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  mpg: Nullable(Type.Number()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type FuelLog = Static<typeof FuelLogSchema>;

export const FuelLogListSchema = Page(FuelLogSchema);
export type FuelLogList = Static<typeof FuelLogListSchema>;

export const FuelStatsSchema = Type.Object({
  vehicleId: ResourceId,
  logCount: Type.Integer(),
  totalGallons: Type.Number(),
  totalCost: Type.Number(),
  distance: Type.Integer(),
  averageMpg: Nullable(Type.Number()),
  costPerMile: Nullable(Type.Number()),
  lastFillUpDate: Nullable(Type.String({ format: 'date' })),
});
export type FuelStats = Static<typeof FuelStatsSchema>;

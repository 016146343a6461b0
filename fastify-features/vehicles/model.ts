// The vehicles feature's request and response schemas (API.md "Vehicles"), shared by both backends.
import { Type, type Static } from '@sinclair/typebox';
import { IdParams as IdParamsSchema, Nullable, Page, PageQuery, ResourceId } from '../../src/policy/schemas.ts';


export { IdParamsSchema };
export type IdParams = Static<typeof IdParamsSchema>;

// The VIN format is checked after trimming/uppercasing (domain/vin.ts), so the schema only bounds its size.
const VinInput = Type.String({ maxLength: 64 });

export const VinParamsSchema = Type.Object({ vin: VinInput });
export type VinParams = Static<typeof VinParamsSchema>;

// Unknown query parameters are ignored (API.md rejects unknown *body* fields only).
export const ListQuerySchema = Type.Object({
  ...PageQuery,
});
export type ListQuery = Static<typeof ListQuerySchema>;

// `year`'s upper bound (current UTC year + 1) moves with the clock, so the service checks it (domain/year.ts).
const writable = {
  make: Type.String({ minLength: 1, maxLength: 50 }),
  model: Type.String({ minLength: 1, maxLength: 50 }),
  year: Type.Integer({ minimum: 1900 }),
  nickname: Nullable(Type.String({ maxLength: 100 })),
  color: Nullable(Type.String({ maxLength: 30 })),
  licensePlate: Nullable(Type.String({ maxLength: 15 })),
  odometer: Type.Integer({ minimum: 0, maximum: 2_000_000 }),
};

export const CreateVehicleBodySchema = Type.Object({
  vin: Type.Optional(Nullable(VinInput)),
  make: Type.Optional(writable.make),
  model: Type.Optional(writable.model),
  year: Type.Optional(writable.year),
  nickname: Type.Optional(writable.nickname),
  color: Type.Optional(writable.color),
  licensePlate: Type.Optional(writable.licensePlate),
  odometer: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_000_000, default: 0 })),
}, { additionalProperties: false });
export type CreateVehicleBody = Static<typeof CreateVehicleBodySchema>;

// No `vin`: sending it is rejected as an unknown field (400 on `vin`).
export const UpdateVehicleBodySchema = Type.Object({
  make: Type.Optional(writable.make),
  model: Type.Optional(writable.model),
  year: Type.Optional(writable.year),
  nickname: Type.Optional(writable.nickname),
  color: Type.Optional(writable.color),
  licensePlate: Type.Optional(writable.licensePlate),
  odometer: Type.Optional(writable.odometer),
}, { additionalProperties: false });
export type UpdateVehicleBody = Static<typeof UpdateVehicleBodySchema>;

export const VehicleSchema = Type.Object({
  id: ResourceId,
  vin: Nullable(Type.String()),
  make: Type.String(),
  model: Type.String(),
  year: Type.Integer(),
  nickname: Nullable(Type.String()),
  color: Nullable(Type.String()),
  licensePlate: Nullable(Type.String()),
  odometer: Type.Integer(),
  hasPhoto: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Vehicle = Static<typeof VehicleSchema>;

export const VehicleListSchema = Page(VehicleSchema);
export type VehicleList = Static<typeof VehicleListSchema>;

export const VinDecodeSchema = Type.Object({
  vin: Type.String(),
  make: Nullable(Type.String()),
  model: Nullable(Type.String()),
  year: Nullable(Type.Integer()),
  trim: Nullable(Type.String()),
  bodyClass: Nullable(Type.String()),
  fuelType: Nullable(Type.String()),
  engineCylinders: Nullable(Type.Integer()),
  displacementL: Nullable(Type.Number()),
  manufacturer: Nullable(Type.String()),
});
export type VinDecode = Static<typeof VinDecodeSchema>;

// The stations feature's request and response schemas (API.md "Stations"), shared by both backends.
import { Type, type Static } from '@sinclair/typebox';
import { IdParams as IdParamsSchema, Nullable, ResourceId } from '../../src/policy/schemas.ts';


// PostgreSQL text cannot hold NUL; refusing it here turns a would-be 500 into a 400 on the field.
const Text = (opts: { minLength?: number; maxLength: number }) => Type.String({ ...opts, pattern: '^[^\\x00]*$' });

const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lng = Type.Number({ minimum: -180, maximum: 180 });

export { IdParamsSchema };
export type IdParams = Static<typeof IdParamsSchema>;

// Unknown query parameters are ignored (API.md rejects unknown *body* fields only).
export const SearchQuerySchema = Type.Object({
  lat: Lat,
  lng: Lng,
  radius: Type.Integer({ minimum: 100, maximum: 50000, default: 5000 }),
});
export type SearchQuery = Static<typeof SearchQuerySchema>;

export const StationSchema = Type.Object({
  placeId: Type.String(),
  name: Nullable(Type.String()),
  address: Nullable(Type.String()),
  lat: Type.Number(),
  lng: Type.Number(),
  rating: Nullable(Type.Number()),
  userRatingsTotal: Nullable(Type.Integer()),
  openNow: Nullable(Type.Boolean()),
  distanceMeters: Type.Integer(),
});
export type Station = Static<typeof StationSchema>;

export const SearchResponseSchema = Type.Object({ items: Type.Array(StationSchema) });
export type SearchResponse = Static<typeof SearchResponseSchema>;

export const SavedStationSchema = Type.Object({
  id: ResourceId,
  placeId: Type.String(),
  name: Type.String(),
  address: Nullable(Type.String()),
  lat: Type.Number(),
  lng: Type.Number(),
  nickname: Nullable(Type.String()),
  isFavorite: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type SavedStation = Static<typeof SavedStationSchema>;

export const SavedListResponseSchema = Type.Object({ items: Type.Array(SavedStationSchema) });
export type SavedListResponse = Static<typeof SavedListResponseSchema>;

export const CreateSavedBodySchema = Type.Object({
  placeId: Text({ minLength: 1, maxLength: 255 }),
  name: Text({ minLength: 1, maxLength: 200 }),
  address: Type.Optional(Nullable(Text({ maxLength: 500 }))),
  lat: Lat,
  lng: Lng,
  nickname: Type.Optional(Nullable(Text({ maxLength: 100 }))),
  isFavorite: Type.Optional(Type.Boolean({ default: false })),
}, { additionalProperties: false });
export type CreateSavedBody = Static<typeof CreateSavedBodySchema>;

export const UpdateSavedBodySchema = Type.Object({
  nickname: Type.Optional(Nullable(Text({ maxLength: 100 }))),
  isFavorite: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export type UpdateSavedBody = Static<typeof UpdateSavedBodySchema>;

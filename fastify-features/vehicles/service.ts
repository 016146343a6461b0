// The vehicles use cases, called by both the Fastify capsule and the legacy Express router.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Deps } from '../../src/infrastructure/deps.ts';
import { requireStore } from '../../src/infrastructure/deps.ts';
import { notFound, validationError } from '../../src/policy/errors.ts';
import { cached, cacheKeys, cacheTtlSeconds } from '../../src/infrastructure/cache.ts';
import { mediaType, objectKeys, type StoredObject } from '../../src/infrastructure/storage.ts';
import { clearThenRemove, storeThenSwitch } from '../../src/infrastructure/object-replace.ts';
import type {
  CreateVehicleBody, ListQuery, UpdateVehicleBody, Vehicle, VehicleList, VinDecode,
} from './model.ts';
import { parseVin } from './domain/vin.ts';
import { checkModelYear, maxModelYear } from './domain/year.ts';
import { fillFromDecode, givenIdentity, missingIdentity } from './domain/identity.ts';
import { decodeVinValues } from './external/vpic.ts';
import * as repo from './data/vehicles-repository.ts';

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;


export async function listVehicles(deps: Deps, userId: string, query: ListQuery): Promise<VehicleList> {
  const { items, total } = await repo.listVehicles(deps.db, userId, query.limit, query.offset);
  return { items, total, limit: query.limit, offset: query.offset };
}

export async function getVehicle(deps: Deps, userId: string, id: string): Promise<Vehicle> {
  const found = await repo.findVehicle(deps.db, userId, id);
  if (!found) throw notFound();
  const { photoContentType: _, photoObjectKey: __, ...vehicle } = found;
  return vehicle;
}

/** The decode of an already normalised VIN, cache-aside (the same entry serves decode-vin and create). */
function cachedDecode(deps: Deps, vin: string): Promise<VinDecode> {
  return cached(deps.cache, cacheKeys.vinDecode(vin), cacheTtlSeconds.vinDecode, () => decodeVinValues(deps.config, vin, deps.externalFetch));
}

export async function decodeVin(deps: Deps, rawVin: string): Promise<VinDecode> {
  return cachedDecode(deps, parseVin(rawVin));
}

export async function createVehicle(deps: Deps, userId: string, body: CreateVehicleBody): Promise<Vehicle> {
  const now = new Date();
  const vin = body.vin == null ? null : parseVin(body.vin);
  checkModelYear(body.year, now);
  let identity = givenIdentity(body);
  if (!identity) {
    if (vin === null) throw validationError(missingIdentity(body)[0], 'is required when no vin is given');
    identity = fillFromDecode(body, await cachedDecode(deps, vin), maxModelYear(now));
    if (!identity) throw validationError('vin', 'could not be decoded to a make, model and year');
  }
  return repo.insertVehicle(deps.db, userId, {
    id: randomUUID(),
    vin,
    ...identity,
    nickname: body.nickname ?? null,
    color: body.color ?? null,
    licensePlate: body.licensePlate ?? null,
    odometer: body.odometer ?? 0,
  });
}

export async function updateVehicle(deps: Deps, userId: string, id: string, body: UpdateVehicleBody): Promise<Vehicle> {
  checkModelYear(body.year, new Date());
  const updated = await repo.updateVehicle(deps.db, userId, id, body);
  if (!updated) throw notFound();
  return updated;
}

/** Soft delete; its fuel logs and their stats vanish with it (stats ask for a live vehicle first). */
export async function deleteVehicle(deps: Deps, userId: string, id: string): Promise<void> {
  if (!(await repo.softDeleteVehicle(deps.db, userId, id))) throw notFound();
}

export interface PhotoUpload {
  body: Readable;
  contentType: string | undefined;
  contentLength: string | undefined;
}

/**
 * The upload goes to a fresh object key and the row is switched to it once it is complete
 * (src/infrastructure/object-replace.ts): an interrupted or refused upload never changes the photo that was there.
 */
export async function putVehiclePhoto(deps: Deps, userId: string, id: string, upload: PhotoUpload): Promise<Vehicle> {
  if (!(await repo.findVehicle(deps.db, userId, id))) throw notFound();
  const key = objectKeys.vehiclePhoto(id);
  const updated = await storeThenSwitch(requireStore(deps), key, { ...upload, allowedTypes: PHOTO_TYPES, maxBytes: PHOTO_MAX_BYTES },
    async () => {
      const s = await repo.switchPhoto(deps.db, userId, id, key, mediaType(upload.contentType));
      return s && { value: s.vehicle, previousKey: s.previousKey };
    });
  if (!updated) throw notFound(); // deleted while the upload ran
  return updated;
}

export async function getVehiclePhoto(deps: Deps, userId: string, id: string): Promise<StoredObject> {
  const vehicle = await repo.findVehicle(deps.db, userId, id);
  if (!vehicle?.photoObjectKey) throw notFound();
  const photo = await requireStore(deps).get(vehicle.photoObjectKey);
  if (!photo) throw notFound(); // removed by a concurrent DELETE or replacement a moment ago
  return photo;
}

/** Removing a photo that is not there is a no-op 204 (idempotent DELETE); storage is not touched then. */
export async function deleteVehiclePhoto(deps: Deps, userId: string, id: string): Promise<void> {
  const vehicle = await repo.findVehicle(deps.db, userId, id);
  if (!vehicle) throw notFound();
  const { photoObjectKey: key, photoContentType: type } = vehicle;
  if (!key || !type) return;
  await clearThenRemove(requireStore(deps), key,
    () => repo.setPhoto(deps.db, userId, id, { from: key, to: null }),
    () => repo.setPhoto(deps.db, userId, id, { from: null, to: { key, contentType: type } }));
}

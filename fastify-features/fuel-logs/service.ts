// The fuel-logs use cases, called by both the Fastify routes and the legacy Express router.
// Takes validated input, returns API objects or throws AppError; owns cache invalidation.
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../src/infrastructure/deps.ts';
import { AppError, validationError } from '../../src/policy/errors.ts';
import { cached, cacheKeys, cacheTtlSeconds } from '../../src/infrastructure/cache.ts';
import type { CreateFuelLogBody, FuelLog, FuelLogList, FuelStats, ListFuelLogsQuery, UpdateFuelLogBody } from './model.ts';
import { computeMpgById, type MpgLog } from './domain/mpg.ts';
import { computeStats } from './domain/stats.ts';
import { defaultTotalCost } from './domain/decimal.ts';
import { inputProblem, type CheckedFields } from './domain/input-rules.ts';
import {
  deleteLog, findLog, insertLog, listLogs, mpgHistory, statsLogs, updateLog,
  type FuelLogRecord, type FuelLogWrite,
} from './data/fuel-logs-repository.ts';
import { liveVehicleFuelLogsVersion, lockLiveVehicleOfUser, recordFuelLogWrite } from './data/vehicles.ts';
import { withTransaction } from './data/transaction.ts';


function checkInput(input: CheckedFields): void {
  const problem = inputProblem(input, new Date());
  if (problem) throw validationError(problem.field, problem.message);
}

/** Adds the computed mpg to stored logs, from the history of their vehicles (mpgHistory / listLogs). */
function withMpg(records: FuelLogRecord[], history: Map<string, MpgLog[]>): FuelLog[] {
  const mpgByVehicle = new Map<string, Map<string, number | null>>();
  for (const [vehicleId, logs] of history) mpgByVehicle.set(vehicleId, computeMpgById(logs));
  return records.map((r) => ({
    id: r.id, vehicleId: r.vehicleId, date: r.date, odometer: r.odometer, gallons: r.gallons,
    pricePerGallon: r.pricePerGallon, totalCost: r.totalCost, fullTank: r.fullTank,
    stationPlaceId: r.stationPlaceId, notes: r.notes,
    mpg: mpgByVehicle.get(r.vehicleId)?.get(r.id) ?? null,
    createdAt: r.createdAt, updatedAt: r.updatedAt,
  }));
}


export async function listFuelLogs(deps: Deps, userId: string, query: ListFuelLogsQuery): Promise<FuelLogList> {
  // The page and its mpg history come from one statement (one round trip, one snapshot).
  const page = await listLogs(deps.db, userId, query.vehicleId, query.limit, query.offset);
  // A vehicleId that is not a live vehicle of the user is a 404, like every other not-yours id.
  if (!page) throw new AppError('NOT_FOUND');
  return { items: withMpg(page.items, page.history), total: page.total, limit: query.limit, offset: query.offset };
}

export async function getFuelLog(deps: Deps, userId: string, id: string): Promise<FuelLog> {
  const record = await findLog(deps.db, userId, id);
  if (!record) throw new AppError('NOT_FOUND');
  return withMpg([record], await mpgHistory(deps.db, [record]))[0];
}

export async function createFuelLog(deps: Deps, userId: string, body: CreateFuelLogBody): Promise<FuelLog> {
  checkInput(body);
  const write: FuelLogWrite = {
    date: body.date,
    odometer: body.odometer,
    gallons: body.gallons,
    pricePerGallon: body.pricePerGallon,
    totalCost: body.totalCost ?? defaultTotalCost(body.gallons, body.pricePerGallon),
    fullTank: body.fullTank ?? true,
    stationPlaceId: body.stationPlaceId ?? null,
    notes: body.notes ?? null,
  };
  const id = randomUUID();
  await withTransaction(deps.db, async (client) => {
    if (!(await lockLiveVehicleOfUser(client, userId, body.vehicleId))) throw new AppError('NOT_FOUND');
    await insertLog(client, id, userId, body.vehicleId, write);
    await recordFuelLogWrite(client, body.vehicleId, write.odometer);
  });
  return getFuelLog(deps, userId, id);
}

/**
 * Partial update. When gallons or pricePerGallon change and totalCost is not sent, totalCost is
 * recomputed from the new values (the same default as on create). An empty body changes nothing.
 */
export async function updateFuelLog(deps: Deps, userId: string, id: string, body: UpdateFuelLogBody): Promise<FuelLog> {
  checkInput(body);
  if (Object.keys(body).length === 0) return getFuelLog(deps, userId, id);
  await withTransaction(deps.db, async (client) => {
    const current = await findLog(client, userId, id, true);
    if (!current) throw new AppError('NOT_FOUND');
    const gallons = body.gallons ?? current.gallons;
    const pricePerGallon = body.pricePerGallon ?? current.pricePerGallon;
    const priceChanged = body.gallons !== undefined || body.pricePerGallon !== undefined;
    const write: FuelLogWrite = {
      date: body.date ?? current.date,
      odometer: body.odometer ?? current.odometer,
      gallons,
      pricePerGallon,
      totalCost: body.totalCost ?? (priceChanged ? defaultTotalCost(gallons, pricePerGallon) : current.totalCost),
      fullTank: body.fullTank ?? current.fullTank,
      stationPlaceId: body.stationPlaceId !== undefined ? body.stationPlaceId : current.stationPlaceId,
      notes: body.notes !== undefined ? body.notes : current.notes,
    };
    await updateLog(client, id, write);
    // Same rule as on create: the version moves, and the vehicle's odometer is never below one of its logs.
    await recordFuelLogWrite(client, current.vehicleId, write.odometer);
  });
  return getFuelLog(deps, userId, id);
}

export async function deleteFuelLog(deps: Deps, userId: string, id: string): Promise<void> {
  if (!(await deleteLog(deps.db, userId, id))) throw new AppError('NOT_FOUND');
}

export async function getFuelStats(deps: Deps, userId: string, rawVehicleId: string): Promise<FuelStats> {
  const vehicleId = rawVehicleId.toLowerCase();
  // Ownership first (the cache key is per vehicle, not per user), and the vehicle's fuel-logs version with it:
  // the key carries the version, so a value computed before the latest acknowledged write is never found.
  const version = await liveVehicleFuelLogsVersion(deps.db, userId, vehicleId);
  if (version === null) throw new AppError('NOT_FOUND');
  return cached(deps.cache, cacheKeys.fuelStats(vehicleId, version), cacheTtlSeconds.fuelStats, async () => ({
    vehicleId,
    ...computeStats(await statsLogs(deps.db, vehicleId)),
  }));
}

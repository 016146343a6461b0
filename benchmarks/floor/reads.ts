// The feature reads both reference servers serve (server.ts on bare node:http, fastify-server.ts on bare
// Fastify): the path, the capsule's query and response schemas, and the service call the capsule makes.
import type { TSchema } from '@sinclair/typebox';
import type { Deps } from '../../src/infrastructure/deps.ts';
import * as vehicles from '../../fastify-features/vehicles/service.ts';
import * as fuelLogs from '../../fastify-features/fuel-logs/service.ts';
import * as stations from '../../fastify-features/stations/service.ts';
import * as maintenance from '../../fastify-features/maintenance/service.ts';
import { ListQuerySchema, VehicleListSchema } from '../../fastify-features/vehicles/model.ts';
import { FuelLogListSchema, FuelStatsQuerySchema, FuelStatsSchema, ListFuelLogsQuerySchema } from '../../fastify-features/fuel-logs/model.ts';
import { SearchQuerySchema, SearchResponseSchema } from '../../fastify-features/stations/model.ts';
import { UpcomingList, UpcomingQuery } from '../../fastify-features/maintenance/model.ts';

/** A service call on an already validated (coerced, defaulted) query. */
export type ReadCall = (deps: Deps, userId: string, query: Record<string, unknown>) => Promise<unknown>;

export interface FloorRead {
  path: string;
  query: TSchema;
  response: TSchema;
  call: ReadCall;
}

/** One read; `call` is typed by its own query (the schema validated it before the call). */
function read<Q>(path: string, query: TSchema, response: TSchema, call: (deps: Deps, userId: string, query: Q) => Promise<unknown>): FloorRead {
  return { path, query, response, call: call as ReadCall };
}

export const FLOOR_READS: readonly FloorRead[] = [
  read('/api/vehicles', ListQuerySchema, VehicleListSchema, vehicles.listVehicles),
  read('/api/fuel-logs', ListFuelLogsQuerySchema, FuelLogListSchema, fuelLogs.listFuelLogs),
  read<{ vehicleId: string }>('/api/fuel-logs/stats', FuelStatsQuerySchema, FuelStatsSchema, (d, u, q) => fuelLogs.getFuelStats(d, u, q.vehicleId)),
  read('/api/stations/search', SearchQuerySchema, SearchResponseSchema, stations.searchStations),
  read('/api/maintenance/upcoming', UpcomingQuery, UpcomingList, maintenance.getUpcoming),
];

// The API's resource shapes, taken from the server's own TypeBox schemas (fastify-features/<f>/model.ts,
// the schemas docs/openapi.json is built from): type-only imports, compiled away, so the web app cannot
// drift from the contract. MAINTENANCE_TYPES is the one list the server validates against.
import type { Static } from '@sinclair/typebox';
import type { Page as PageOf } from '../../../src/policy/schemas.ts';
import type { FuelLog, FuelStats } from '../../../fastify-features/fuel-logs/model.ts';
import type { MaintenanceRecord, MaintenanceSchedule, UpcomingItem } from '../../../fastify-features/maintenance/model.ts';
import type { SavedStation, Station } from '../../../fastify-features/stations/model.ts';
import type { Vehicle, VinDecode } from '../../../fastify-features/vehicles/model.ts';

export { MAINTENANCE_TYPES, type MaintenanceType } from '../../../fastify-features/maintenance/domain/types.ts';
export type { FuelLog, FuelStats, MaintenanceRecord, SavedStation, Vehicle, VinDecode };

/** The contract's list envelope `{ items, total, limit, offset }`. */
export type Page<T> = Omit<Static<ReturnType<typeof PageOf>>, 'items'> & { items: T[] };
export type StationResult = Station;
export type Schedule = MaintenanceSchedule;
export type Upcoming = UpcomingItem;
export type UpcomingStatus = UpcomingItem['status'];

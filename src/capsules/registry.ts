// Every native capsule the gateway can mount. A new feature's capsule is added here (and its prefix and
// flag variable in flags/registry.ts); nothing else in the gateway changes.
import type { Capsule } from './capsule.ts';
import { capsule as vehicles } from '../../fastify-features/vehicles/index.ts';
import { capsule as fuelLogs } from '../../fastify-features/fuel-logs/index.ts';
import { capsule as stations } from '../../fastify-features/stations/index.ts';
import { capsule as maintenance } from '../../fastify-features/maintenance/index.ts';

export const CAPSULES: readonly Capsule[] = [vehicles, fuelLogs, stations, maintenance];

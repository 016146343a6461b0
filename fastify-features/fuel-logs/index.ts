// The fuel-logs feature capsule, as the gateway plugs it in.
import type { Capsule } from '../../src/capsules/capsule.ts';
import { fuelLogsRoutes } from './api/fuel-logs-routes.ts';

export const capsule: Capsule = { feature: 'fuel-logs', plugin: fuelLogsRoutes };

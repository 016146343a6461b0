// The maintenance feature's native capsule (see api/maintenance-routes.ts for the routes, service.ts for what they do).
import type { Capsule } from '../../src/capsules/capsule.ts';
import { maintenanceRoutes } from './api/maintenance-routes.ts';

export const capsule: Capsule = { feature: 'maintenance', plugin: maintenanceRoutes };

// The maintenance feature's native capsule (see api/routes.ts for the routes, service.ts for what they do).
import type { Capsule } from '../../src/capsules/capsule.ts';
import { maintenanceRoutes } from './api/routes.ts';

export const capsule: Capsule = { feature: 'maintenance', plugin: maintenanceRoutes };

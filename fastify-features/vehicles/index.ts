// The vehicles capsule: what the gateway registers under /api/vehicles while VEHICLES_BACKEND=fastify.
import type { Capsule } from '../../src/capsules/capsule.ts';
import { vehiclesRoutes } from './api/vehicles-routes.ts';

export const capsule: Capsule = { feature: 'vehicles', plugin: vehiclesRoutes };

// The stations capsule as the gateway mounts it.
import type { Capsule } from '../../src/capsules/capsule.ts';
import { stationsRoutes } from './api/stations-routes.ts';

export const capsule: Capsule = { feature: 'stations', plugin: stationsRoutes };

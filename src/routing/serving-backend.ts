// Who serves a path: a feature's path goes where its flag says; any other /api path goes to the legacy
// app while there is one (a strangler façade forwards what it does not know yet) and is the gateway's
// own 404 once there is none (no LEGACY_URL). With the method, the side of the feature it belongs to. Paths outside /api are the gateway's own (undefined).
import type { FlagStore } from '../../flags/store.ts';
import { featureForPath, type Backend } from '../../flags/registry.ts';
import { sideOf } from '../../flags/operations.ts';

export function servingBackend(url: string, flags: FlagStore, hasLegacy: boolean, method?: string): Backend | undefined {
  const feature = featureForPath(url);
  if (feature) return flags.backendOf(feature.name, method === undefined ? undefined : sideOf(method));
  if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) return hasLegacy ? 'express' : 'fastify';
  return undefined;
}

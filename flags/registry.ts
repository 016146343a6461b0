// The migrating features: name, URL prefix and the env var holding each one's default backend.
export const BACKENDS = ['express', 'fastify'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface FeatureDef {
  name: FeatureName;
  prefix: string;
  envVar: string;
}

export const FEATURE_NAMES = ['vehicles', 'fuel-logs', 'stations', 'maintenance'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export const FEATURES: readonly FeatureDef[] = [
  { name: 'vehicles', prefix: '/api/vehicles', envVar: 'VEHICLES_BACKEND' },
  { name: 'fuel-logs', prefix: '/api/fuel-logs', envVar: 'FUEL_LOGS_BACKEND' },
  { name: 'stations', prefix: '/api/stations', envVar: 'STATIONS_BACKEND' },
  { name: 'maintenance', prefix: '/api/maintenance', envVar: 'MAINTENANCE_BACKEND' },
];

export function isFeatureName(value: string): value is FeatureName {
  return (FEATURE_NAMES as readonly string[]).includes(value);
}

export function isBackend(value: unknown): value is Backend {
  return typeof value === 'string' && (BACKENDS as readonly string[]).includes(value);
}

/** The one place a feature's URL prefix is written. */
export function prefixOf(feature: FeatureName): string {
  return FEATURES.find((f) => f.name === feature)!.prefix;
}

/** The feature serving a URL path, or undefined for paths outside every feature prefix. */
export function featureForPath(path: string): FeatureDef | undefined {
  for (const f of FEATURES) {
    if (path === f.prefix || path.startsWith(f.prefix + '/') || path.startsWith(f.prefix + '?')) return f;
  }
  return undefined;
}

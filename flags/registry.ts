// The migrating features: name, URL prefix and the env var holding each one's default backend.
export const BACKENDS = ['express', 'fastify'] as const;
export type Backend = (typeof BACKENDS)[number];

/** A feature's rollout stage: who serves its requests (docs/admin-api.md "Stages"). */
export const STAGES = ['express', 'shadow', 'canary', 'fastify'] as const;
export type Stage = (typeof STAGES)[number];

export interface FeatureDef {
  name: FeatureName;
  prefix: string;
  envVar: string;
  /** Optional default canary percentage (0..100); puts the env default in the canary stage. */
  canaryVar: string;
  /** Optional default shadow sampling rate (0..100); puts the env default in the shadow stage. */
  shadowVar: string;
}

export const FEATURE_NAMES = ['vehicles', 'fuel-logs', 'stations', 'maintenance'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export const FEATURES: readonly FeatureDef[] = [
  def('vehicles', '/api/vehicles', 'VEHICLES'),
  def('fuel-logs', '/api/fuel-logs', 'FUEL_LOGS'),
  def('stations', '/api/stations', 'STATIONS'),
  def('maintenance', '/api/maintenance', 'MAINTENANCE'),
];

function def(name: FeatureName, prefix: string, env: string): FeatureDef {
  return { name, prefix, envVar: `${env}_BACKEND`, canaryVar: `${env}_CANARY_PERCENT`, shadowVar: `${env}_SHADOW_RATE` };
}

export function isFeatureName(value: string): value is FeatureName {
  return (FEATURE_NAMES as readonly string[]).includes(value);
}

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

export function isBackend(value: unknown): value is Backend {
  return typeof value === 'string' && (BACKENDS as readonly string[]).includes(value);
}

/** The *_BACKEND variables putting every feature in `native` on `backend` (fastify) and the rest on express. */
export function flagEnv(backend: Backend, native: ReadonlySet<FeatureName> = new Set(FEATURE_NAMES)): Record<string, string> {
  return Object.fromEntries(FEATURES.map((f) => [f.envVar, backend === 'fastify' && native.has(f.name) ? 'fastify' : 'express']));
}

/** A feature name outside the registry reached code typed with FeatureName (a programming error). */
export class UnknownFeatureError extends Error {
  constructor(feature: string) {
    super(`Unknown feature "${feature}"`);
  }
}

/** The one place a feature's URL prefix is written. */
export function prefixOf(feature: FeatureName): string {
  const def = FEATURES.find((f) => f.name === feature);
  if (!def) throw new UnknownFeatureError(feature);
  return def.prefix;
}

/** The feature serving a URL path, or undefined for paths outside every feature prefix. */
export function featureForPath(path: string): FeatureDef | undefined {
  // Called on every request: compares in place, no string built per call.
  for (const f of FEATURES) {
    const n = f.prefix.length;
    if (path.startsWith(f.prefix) && (path.length === n || path.charCodeAt(n) === SLASH || path.charCodeAt(n) === QUESTION)) return f;
  }
  return undefined;
}

const SLASH = 0x2f;
const QUESTION = 0x3f;

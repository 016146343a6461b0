// Reads each feature's default backend from its env var. A bad value stops start-up, naming the
// variable and the allowed values.
import { BACKENDS, FEATURES, isBackend, type Backend, type FeatureName } from './registry.ts';

export interface EnvFlag {
  backend: Backend;
  source: 'env' | 'default';
}

export const DEFAULT_BACKEND: Backend = 'express';

export class FlagConfigError extends Error {}

export function parseEnvFlags(env: Record<string, string | undefined> = process.env): Record<FeatureName, EnvFlag> {
  const out = {} as Record<FeatureName, EnvFlag>;
  for (const f of FEATURES) {
    const raw = env[f.envVar];
    if (raw === undefined || raw.trim() === '') {
      out[f.name] = { backend: DEFAULT_BACKEND, source: 'default' };
      continue;
    }
    const value = raw.trim().toLowerCase();
    if (!isBackend(value)) {
      throw new FlagConfigError(`Invalid ${f.envVar}=${JSON.stringify(raw)}: allowed values are ${BACKENDS.join(', ')}`);
    }
    out[f.name] = { backend: value, source: 'env' };
  }
  return out;
}

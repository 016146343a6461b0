// Reads each feature's default stage from its env vars. A bad value stops start-up, naming the
// variable and the allowed values. `<F>_BACKEND=express|fastify` is the default as before; the optional
// `<F>_CANARY_PERCENT` (0..100) makes the default a canary, `<F>_SHADOW_RATE` (0..100) a shadow.
import { BACKENDS, FEATURES, isBackend, type Backend, type FeatureName, type Stage } from './registry.ts';

export interface EnvFlag {
  backend: Backend;
  stage: Stage;
  percent: number;
  shadowRate: number;
  source: 'env' | 'default';
}

export const DEFAULT_BACKEND: Backend = 'express';
export const DEFAULT_SHADOW_RATE = 100;

export class FlagConfigError extends Error {}

/** A whole number 0..100, or a FlagConfigError naming the variable. */
function parsePercent(name: string, raw: string): number {
  const value = raw.trim();
  if (!/^\d{1,3}$/.test(value) || Number(value) > 100) {
    throw new FlagConfigError(`Invalid ${name}=${JSON.stringify(raw)}: allowed values are whole numbers 0..100`);
  }
  return Number(value);
}

const isSet = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

export function parseEnvFlags(env: Record<string, string | undefined> = process.env): Record<FeatureName, EnvFlag> {
  const out = {} as Record<FeatureName, EnvFlag>;
  for (const f of FEATURES) {
    const raw = env[f.envVar];
    let backend = DEFAULT_BACKEND;
    let source: EnvFlag['source'] = 'default';
    if (isSet(raw)) {
      const value = raw.trim().toLowerCase();
      if (!isBackend(value)) {
        throw new FlagConfigError(`Invalid ${f.envVar}=${JSON.stringify(raw)}: allowed values are ${BACKENDS.join(', ')}`);
      }
      backend = value;
      source = 'env';
    }
    const canary = env[f.canaryVar];
    const shadow = env[f.shadowVar];
    const percent = isSet(canary) ? parsePercent(f.canaryVar, canary) : 0;
    const shadowRate = isSet(shadow) ? parsePercent(f.shadowVar, shadow) : DEFAULT_SHADOW_RATE;
    let stage: Stage = backend;
    if (isSet(canary) || isSet(shadow)) {
      if (isSet(canary) && isSet(shadow)) {
        throw new FlagConfigError(`Invalid ${f.canaryVar} together with ${f.shadowVar}: a feature is in one stage at a time; set one of them`);
      }
      if (backend === 'fastify') {
        throw new FlagConfigError(`Invalid ${isSet(canary) ? f.canaryVar : f.shadowVar} with ${f.envVar}=fastify: a canary or shadow default needs ${f.envVar} unset or express`);
      }
      stage = isSet(canary) ? 'canary' : 'shadow';
      source = 'env';
    }
    out[f.name] = { backend, stage, percent, shadowRate, source };
  }
  return out;
}

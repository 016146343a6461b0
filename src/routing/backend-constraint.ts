// Per-request routing without touching the router after start: native capsule routes carry the
// constraint backend=fastify, the legacy proxy route backend=express, and each request derives its
// value from the flag store's in-memory state (no I/O) for the request's side (reads: GET/HEAD, writes:
// the rest; each side has its own stage). In a canary the bucket comes from the bearer token's `sub`, read
// unverified (token-sub.ts), the same bucket for both sides; no readable sub → express.
// Every stage but canary and fastify routes to express. Other paths: see servingBackend (unclaimed /api paths).
import type { ConstraintStrategy, HTTPVersion } from 'find-my-way';
import type { FlagStore } from '../../flags/store.ts';
import { featureForPath, type Backend, type FeatureName } from '../../flags/registry.ts';
import { sideOf } from '../../flags/operations.ts';
import { unverifiedSub } from './token-sub.ts';
import { servingBackend } from './serving-backend.ts';

export function backendConstraint(flags: FlagStore, hasLegacy: boolean): ConstraintStrategy<HTTPVersion.V1, Backend> {
  return {
    name: 'backend',
    mustMatchWhenDerived: true,
    storage() {
      const handlers = new Map<string, never>();
      return {
        get: (value: string) => handlers.get(value) ?? null,
        set: (value: string, store: never) => { handlers.set(value, store); },
      };
    },
    deriveConstraint(req) {
      const url = req.url ?? '/';
      const feature = featureForPath(url);
      return (feature ? derive(flags, feature.name, req.method ?? 'GET', req.headers.authorization) : servingBackend(url, flags, hasLegacy)) as Backend;
    },
    validate(value: unknown) {
      if (value !== 'express' && value !== 'fastify') throw new Error('backend constraint must be express or fastify');
    },
  };
}

function derive(flags: FlagStore, feature: FeatureName, method: string, authorization: string | string[] | undefined): Backend {
  const side = sideOf(method);
  const stage = flags.stageOf(feature, side);
  if (stage === 'fastify') return 'fastify';
  if (stage !== 'canary') return 'express';
  return flags.backendFor(feature, side, unverifiedSub(authorization));
}

// Per-request routing without touching the router after start: native capsule routes carry the
// constraint backend=fastify, the legacy proxy route backend=express, and each request derives its
// value from the flag store's in-memory state (no I/O); see servingBackend for paths no feature claims.
import type { ConstraintStrategy, HTTPVersion } from 'find-my-way';
import type { FlagStore } from '../../flags/store.ts';
import type { Backend } from '../../flags/registry.ts';
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
      return servingBackend(req.url ?? '/', flags, hasLegacy) as Backend;
    },
    validate(value: unknown) {
      if (value !== 'express' && value !== 'fastify') throw new Error('backend constraint must be express or fastify');
    },
  };
}

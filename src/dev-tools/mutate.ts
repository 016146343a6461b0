// Development fault injection for shadow traffic: with `mutate: "<field>"` in a feature's fault
// (PUT /dev/chaos/:feature, `make chaos … MUTATE=nickname`), every native JSON answer of that feature has
// that field corrupted wherever it occurs, so the shadow report shows a mismatch on exactly that field.
// Registered by the dev-tools plugin only (DEV_TOOLS: only with NODE_ENV development or test).
import fp from 'fastify-plugin';

/** The corrupted value: visibly different, same JSON type where there is one. */
export function corrupt(value: unknown): unknown {
  if (typeof value === 'string') return `${value}~mutated`;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  return 'mutated';
}

/** Corrupts `field` in every object of a JSON value; returns whether anything changed. */
export function mutateField(value: unknown, field: string): boolean {
  if (Array.isArray(value)) return value.map((v) => mutateField(v, field)).some(Boolean);
  if (typeof value !== 'object' || value === null) return false;
  const obj = value as Record<string, unknown>;
  let changed = false;
  if (Object.hasOwn(obj, field)) {
    obj[field] = corrupt(obj[field]);
    changed = true;
  }
  for (const [k, v] of Object.entries(obj)) if (k !== field && mutateField(v, field)) changed = true;
  return changed;
}

export const mutatePlugin = fp(async (app) => {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.config.backend !== 'fastify' || !request.feature || typeof payload !== 'string') return payload;
    const field = app.chaos.faultOf(request.feature.name)?.mutate;
    if (typeof field !== 'string' || !/json/.test(String(reply.getHeader('content-type')))) return payload;
    const body: unknown = JSON.parse(payload);
    return mutateField(body, field) ? JSON.stringify(body) : payload;
  });
}, { name: 'dev-mutate', dependencies: ['chaos', 'request-context'] });

// Shadow results as GET /admin/shadow reports them (feature figures, per-route fields and examples), flattened for display.
import type { ShadowExample, ShadowResult } from './types.ts';

/** GET /admin/shadow may list reports as a map or an array; either way, by feature. */
export function shadowByFeature(body: unknown): Record<string, ShadowResult> {
  const b = body as { features?: unknown } | null;
  const inner = b && typeof b === 'object' && 'features' in b ? b.features : body;
  if (Array.isArray(inner)) return Object.fromEntries(inner.filter((x) => x && typeof x.feature === 'string').map((x) => [x.feature, x]));
  return inner && typeof inner === 'object' ? (inner as Record<string, ShadowResult>) : {};
}

export interface FieldRow { field: string; count?: number; verdict?: string }

function fieldRows(value: unknown): FieldRow[] {
  if (Array.isArray(value)) {
    return value.map((v) => {
      if (typeof v === 'string') return { field: v };
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        const n = o.nativeDiffs ?? o.count;
        return { field: String(o.path ?? o.field ?? o.name ?? JSON.stringify(o)), count: typeof n === 'number' ? n : undefined, verdict: typeof o.verdict === 'string' ? o.verdict : undefined };
      }
      return { field: String(v) };
    });
  }
  if (value && typeof value === 'object') return Object.entries(value).map(([field, c]) => ({ field, count: typeof c === 'number' ? c : undefined }));
  return [];
}

/** Top differing fields: the feature's own list, else merged from its routes (summed per path). */
export function topFields(r: ShadowResult): FieldRow[] {
  const own = r.topFields ?? r.topDifferingFields;
  if (own) return fieldRows(own);
  if (!Array.isArray(r.routes)) return [];
  const merged = new Map<string, FieldRow>();
  for (const route of r.routes as Array<{ topFields?: unknown }>) {
    for (const row of fieldRows(route.topFields)) {
      const m = merged.get(row.field);
      if (m) m.count = (m.count ?? 0) + (row.count ?? 0);
      else merged.set(row.field, { ...row });
    }
  }
  return [...merged.values()].sort((a, b) => (b.count ?? 0) - (a.count ?? 0)).slice(0, 10);
}

export function examplesOf(r: ShadowResult): ShadowExample[] {
  if (Array.isArray(r.examples)) return r.examples;
  if (!Array.isArray(r.routes)) return [];
  return (r.routes as Array<{ examples?: ShadowExample[] }>).flatMap((x) => (Array.isArray(x.examples) ? x.examples : []));
}


/** Express's contract violations over the feature's routes, summed per path and message (top 10). */
export function contractFields(r: ShadowResult): Array<{ path: string; message: string; answers: number }> {
  const merged = new Map<string, { path: string; message: string; answers: number }>();
  for (const route of Array.isArray(r.routes) ? r.routes : []) {
    for (const f of route.contractFields ?? []) {
      const key = `${f.path}\t${f.message}`;
      const m = merged.get(key);
      if (m) m.answers += f.answers;
      else merged.set(key, { ...f });
    }
  }
  return [...merged.values()].sort((a, b) => b.answers - a.answers).slice(0, 10);
}

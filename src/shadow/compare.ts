// The comparison engine of shadow traffic (pure): two captured HTTP answers in, the differing field paths
// out. Status, content type and body are compared; every other header is ignored. JSON bodies are walked
// as field paths (`items[3].mpg`), other bodies are compared by length and SHA-256.
import { createHash } from 'node:crypto';

/** One side of a comparison: what a backend answered. `body` is undefined when it was not captured. */
export interface Captured {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

export interface CompareOptions {
  /** Match array items by their `id` field (when every item on both sides has a distinct one) instead of by index. */
  matchById?: boolean;
  /** Stop after this many differing paths (the rest are summarised by `truncated`). */
  maxDiffs?: number;
}

/** A differing field: `path` as `items[3].mpg`, `status`, `content-type`, `body.length`, `body.sha256`, or `$` for the JSON root. */
export interface FieldDiff {
  path: string;
  express: unknown;
  native: unknown;
}

export interface Comparison {
  equal: boolean;
  diffs: FieldDiff[];
  /** More paths differed than `maxDiffs`. */
  truncated: boolean;
}

/** Marks a field present on one side only. */
export const ABSENT = '(absent)';

const IDENT = /^[A-Za-z_$][\w$]*$/;

function child(path: string, key: string): string {
  const step = IDENT.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (path === '$') return step.startsWith('[') ? `$${step}` : step;
  return step.startsWith('[') ? path + step : `${path}.${step}`;
}

/** Media type and parameters, lower-cased and without blanks: `application/json;charset=utf-8`. */
export function normalizeContentType(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.toLowerCase().split(';').map((p) => p.trim()).filter(Boolean).join(';');
}

function isJson(contentType: string | undefined): boolean {
  return !!contentType && /^application\/([\w.+-]+\+)?json(;|$)/.test(contentType);
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (body.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function idsOf(items: unknown[]): Map<string, unknown> | undefined {
  const out = new Map<string, unknown>();
  for (const item of items) {
    if (!isObject(item) || (typeof item.id !== 'string' && typeof item.id !== 'number')) return undefined;
    const key = String(item.id);
    if (out.has(key)) return undefined;
    out.set(key, item);
  }
  return out;
}

class Walker {
  readonly diffs: FieldDiff[] = [];
  truncated = false;
  private readonly opts: Required<CompareOptions>;

  constructor(opts: Required<CompareOptions>) {
    this.opts = opts;
  }

  add(path: string, express: unknown, native: unknown): void {
    if (this.diffs.length >= this.opts.maxDiffs) {
      this.truncated = true;
      return;
    }
    this.diffs.push({ path, express, native });
  }

  walk(path: string, a: unknown, b: unknown): void {
    if (this.truncated) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      this.walkArray(path, a, b);
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const key of Object.keys(a)) this.walk(child(path, key), a[key], Object.hasOwn(b, key) ? b[key] : ABSENT);
      for (const key of Object.keys(b)) if (!Object.hasOwn(a, key)) this.add(child(path, key), ABSENT, b[key]);
      return;
    }
    if (a !== b) this.add(path, a, b); // scalars, absent fields, or an array against an object
  }

  private walkArray(path: string, a: unknown[], b: unknown[]): void {
    if (this.opts.matchById) {
      const ia = idsOf(a);
      const ib = idsOf(b);
      if (ia && ib) {
        for (const [id, item] of ia) this.walk(`${path}[id=${id}]`, item, ib.has(id) ? ib.get(id) : ABSENT);
        for (const [id, item] of ib) if (!ia.has(id)) this.add(`${path}[id=${id}]`, ABSENT, item);
        return;
      }
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) this.walk(`${path}[${i}]`, i < a.length ? a[i] : ABSENT, i < b.length ? b[i] : ABSENT);
  }
}

/** Compares Express's answer with the native one. */
export function compareAnswers(express: Captured, native: Captured, options: CompareOptions = {}): Comparison {
  const ctE = normalizeContentType(express.contentType);
  const ctN = normalizeContentType(native.contentType);
  // The common case, byte-identical answers, without parsing either body (a replay's largest cost after the run).
  if (express.status === native.status && ctE === ctN && express.body.equals(native.body)) return { equal: true, diffs: [], truncated: false };
  const w = new Walker({ matchById: options.matchById ?? false, maxDiffs: options.maxDiffs ?? 50 });
  if (express.status !== native.status) w.add('status', express.status, native.status);
  if (ctE !== ctN) w.add('content-type', ctE ?? ABSENT, ctN ?? ABSENT);

  let walked = false;
  if (isJson(ctE) && isJson(ctN)) {
    const a = parseJson(express.body);
    const b = parseJson(native.body);
    if (a.ok && b.ok) {
      w.walk('$', a.value === undefined ? ABSENT : a.value, b.value === undefined ? ABSENT : b.value);
      walked = true;
    }
  }
  if (!walked && !express.body.equals(native.body)) {
    if (express.body.length !== native.body.length) w.add('body.length', express.body.length, native.body.length);
    else w.add('body.sha256', sha256(express.body), sha256(native.body));
  }
  return { equal: w.diffs.length === 0, diffs: w.diffs, truncated: w.truncated };
}

/** The field pattern used for noise: list positions and ids folded (`items[3].mpg` → `items[].mpg`). */
export function fieldPattern(path: string): string {
  return path.replace(/\[(\d+|id=[^\]]*)\]/g, '[]');
}

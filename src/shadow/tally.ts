// What shadow runs add up to, per feature and route template: counts, differing field paths, noise seen
// between two Express answers, diff signatures and the latest examples. Pure data; merged in memory and
// flushed to the shared store (results-store.ts).
import { ABSENT, fieldPattern, type FieldDiff } from './compare.ts';

/** `external`: the native run needed a paid provider's answer the shared cache did not hold (never called twice);
 * `unavailable`: the replay worker was backing off after a crash, or still stopping. */
export type SkipReason = 'busy' | 'lag' | 'too_large' | 'aborted' | 'external' | 'unavailable' | 'unverified';
export type ErrorReason = 'timeout' | 'native_5xx' | 'exception';

/** One stored example: never the authorization header, never a request body; values cut at 200 chars. */
export interface Example {
  at: number;
  method: string;
  route: string;
  query: string;
  status: { express: number; native: number | null };
  fields: Array<{ path: string; express: string; native: string }>;
  error?: ErrorReason;
}

export interface RouteTally {
  /** `compared`, `equal`, `diffed`, `calibrated`, `skipped`, `skipped:<reason>`, `errored`, `errored:<reason>`,
   * `contract_checked`, `contract_violating`. */
  counts: Map<string, number>;
  /** Exact field path → comparisons where native differed from Express there. */
  paths: Map<string, number>;
  /** Field pattern (`items[].mpg`) → comparisons where native differed. */
  nativePatterns: Map<string, number>;
  /** Field pattern → calibrations where the two Express answers differed (noise). */
  noise: Map<string, number>;
  /** Sorted differing patterns of one comparison, joined by `\n` → how many comparisons had exactly those. */
  signatures: Map<string, number>;
  /** `path\tmessage` of a contract violation in Express's answer → answers that had it (contract-check.ts). */
  contract: Map<string, number>;
  examples: Example[];
}

export const MAX_VALUE_CHARS = 200;
const MAX_SIGNATURE_PATTERNS = 20;
const MAX_EXAMPLE_FIELDS = 10;
/** Stands for "more patterns than a signature keeps" — never noise, so such a comparison stays a mismatch. */
export const MORE_PATTERNS = '…';

export function emptyTally(): RouteTally {
  return { counts: new Map(), paths: new Map(), nativePatterns: new Map(), noise: new Map(), signatures: new Map(), contract: new Map(), examples: [] };
}

export function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

export function truncateValue(value: unknown): string {
  const text = value === ABSENT ? ABSENT : typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

export function signatureOf(diffs: readonly FieldDiff[], truncated: boolean): string {
  const patterns = [...new Set(diffs.map((d) => fieldPattern(d.path)))].sort();
  const kept = patterns.slice(0, MAX_SIGNATURE_PATTERNS);
  if (truncated || patterns.length > kept.length) kept.push(MORE_PATTERNS);
  return kept.join('\n');
}

export function exampleFields(diffs: readonly FieldDiff[]): Example['fields'] {
  return diffs.slice(0, MAX_EXAMPLE_FIELDS).map((d) => ({ path: d.path, express: truncateValue(d.express), native: truncateValue(d.native) }));
}

/** Adds `from` into `into` (examples appended; the caller trims them). */
export function mergeTally(into: RouteTally, from: RouteTally): void {
  for (const key of ['counts', 'paths', 'nativePatterns', 'noise', 'signatures', 'contract'] as const) {
    for (const [k, v] of from[key]) bump(into[key], k, v);
  }
  into.examples.push(...from.examples);
}

/** Keeps the newest `max` examples not older than `retentionMs`, newest first. */
export function trimExamples(examples: Example[], max: number, retentionMs: number, now = Date.now()): Example[] {
  return examples.filter((e) => e.at >= now - retentionMs).sort((a, b) => b.at - a.at).slice(0, max);
}

// Turns shadow tallies into the report the admin API shows (pure). A differing field is *noise* when the two
// Express answers also differed there (the Diffy rule): its native difference rate is no more than the
// Express-vs-Express rate plus a tolerance. A comparison whose differing fields are all noise is matched.
import { MORE_PATTERNS, type Example, type RouteTally } from './tally.ts';
import { fieldPattern } from './compare.ts';

/** Absolute slack on the noise rate: a native rate above noiseRate + this makes the field a real mismatch. */
export const NOISE_TOLERANCE = 0.1;
const TOP_FIELDS = 10;

export type Verdict = 'noise' | 'mismatch';

export interface FieldView {
  path: string;
  /** Comparisons where native differed from Express on this field. */
  nativeDiffs: number;
  /** Calibrations where the two Express answers differed on this field's pattern. */
  expressDiffs: number;
  nativeRate: number;
  noiseRate: number;
  /** Which wins: `noise` (Express disagrees with itself here) or `mismatch` (native differs). */
  verdict: Verdict;
}

export interface Figures {
  compared: number;
  matched: number;
  mismatched: number;
  /** Compared with differences on noise fields only (counted as matched). */
  noisy: number;
  skipped: number;
  errored: number;
  calibrated: number;
  /** mismatched / compared. */
  mismatchRate: number;
  /** errored / (compared + errored). */
  errorRate: number;
}

/** Express answers checked against the OpenAPI document, and those that broke it (legacy bugs; never gated). */
export interface ContractFigures {
  contractChecked: number;
  contractViolations: number;
}

/** A contract violation in Express's answers: where, what, and in how many answers. */
export interface ContractField {
  path: string;
  message: string;
  answers: number;
}

export interface RouteView extends Figures, ContractFigures {
  route: string;
  skippedBy: Record<string, number>;
  erroredBy: Record<string, number>;
  topFields: FieldView[];
  noiseFields: FieldView[];
  /** The most frequent contract violations of Express's answers (top 10). */
  contractFields: ContractField[];
  examples: Array<Example & { fields: Array<Example['fields'][number] & { verdict: Verdict }> }>;
}

export interface FeatureReport extends Figures, ContractFigures {
  feature: string;
  routes: RouteView[];
}

const rate = (n: number, d: number) => (d > 0 ? n / d : 0);

function verdictFor(t: RouteTally) {
  const compared = t.counts.get('compared') ?? 0;
  const calibrated = t.counts.get('calibrated') ?? 0;
  const cache = new Map<string, { verdict: Verdict; noiseRate: number; expressDiffs: number }>();
  return (pattern: string) => {
    let v = cache.get(pattern);
    if (!v) {
      const expressDiffs = t.noise.get(pattern) ?? 0;
      const noiseRate = rate(expressDiffs, calibrated);
      const nativeRate = rate(t.nativePatterns.get(pattern) ?? 0, compared);
      const verdict: Verdict = pattern !== MORE_PATTERNS && expressDiffs > 0 && nativeRate <= noiseRate + NOISE_TOLERANCE ? 'noise' : 'mismatch';
      v = { verdict, noiseRate, expressDiffs };
      cache.set(pattern, v);
    }
    return v;
  };
}

function byPrefix(counts: Map<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of counts) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

export function routeView(route: string, t: RouteTally): RouteView {
  const verdictOf = verdictFor(t);
  const compared = t.counts.get('compared') ?? 0;
  let mismatched = 0;
  let noisy = 0;
  for (const [signature, n] of t.signatures) {
    if (signature.split('\n').every((p) => verdictOf(p).verdict === 'noise')) noisy += n;
    else mismatched += n;
  }
  const field = (path: string, nativeDiffs: number): FieldView => {
    const v = verdictOf(fieldPattern(path));
    return { path, nativeDiffs, expressDiffs: v.expressDiffs, nativeRate: rate(nativeDiffs, compared), noiseRate: v.noiseRate, verdict: v.verdict };
  };
  const topFields = [...t.paths].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP_FIELDS).map(([p, n]) => field(p, n));
  const noiseFields = [...t.noise.keys()].sort().map((p) => field(p, t.nativePatterns.get(p) ?? 0));
  const skipped = t.counts.get('skipped') ?? 0;
  const errored = t.counts.get('errored') ?? 0;
  return {
    route, compared, matched: compared - mismatched, mismatched, noisy, skipped, errored,
    calibrated: t.counts.get('calibrated') ?? 0,
    mismatchRate: rate(mismatched, compared), errorRate: rate(errored, compared + errored),
    skippedBy: byPrefix(t.counts, 'skipped:'), erroredBy: byPrefix(t.counts, 'errored:'),
    contractChecked: t.counts.get('contract_checked') ?? 0, contractViolations: t.counts.get('contract_violating') ?? 0,
    topFields, noiseFields, contractFields: contractFields(t),
    examples: t.examples.map((e) => ({ ...e, fields: e.fields.map((f) => ({ ...f, verdict: verdictOf(fieldPattern(f.path)).verdict })) })),
  };
}

function contractFields(t: RouteTally): ContractField[] {
  return [...t.contract].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP_FIELDS).map(([key, answers]) => {
    const tab = key.indexOf('\t');
    return { path: key.slice(0, tab), message: key.slice(tab + 1), answers };
  });
}

export function featureReport(feature: string, routes: Map<string, RouteTally>): FeatureReport {
  const views = [...routes].map(([route, t]) => routeView(route, t)).sort((a, b) => a.route.localeCompare(b.route));
  const sum = (k: keyof (Figures & ContractFigures)) => views.reduce((n, v) => n + v[k], 0);
  const compared = sum('compared');
  const mismatched = sum('mismatched');
  const errored = sum('errored');
  return {
    feature, compared, matched: sum('matched'), mismatched, noisy: sum('noisy'), skipped: sum('skipped'), errored,
    calibrated: sum('calibrated'), mismatchRate: rate(mismatched, compared), errorRate: rate(errored, compared + errored),
    contractChecked: sum('contractChecked'), contractViolations: sum('contractViolations'),
    routes: views,
  };
}

// Latency histograms the instances can add up: fixed log-spaced buckets (10 % wide, 0.25 ms .. ~60 s),
// stored sparsely as bucket index → count. Quantiles answer a bucket's upper bound (never optimistic).
const BASE_MS = 0.25;
const FACTOR = 1.1;
const LOG_FACTOR = Math.log(FACTOR);
export const BUCKETS = 131;

export type Histogram = Map<number, number>;

export function bucketIndex(ms: number): number {
  if (!(ms > BASE_MS)) return 0;
  const i = Math.ceil(Math.log(ms / BASE_MS) / LOG_FACTOR);
  return i >= BUCKETS ? BUCKETS - 1 : i;
}

export function upperBoundMs(index: number): number {
  return BASE_MS * FACTOR ** index;
}

export function addInto(target: Histogram, source: Histogram): void {
  for (const [i, n] of source) target.set(i, (target.get(i) ?? 0) + n);
}

/** The q-quantile (0..1) in ms, rounded to 0.1 ms; 0 for an empty histogram. */
export function quantile(h: Histogram, q: number): number {
  let total = 0;
  for (const n of h.values()) total += n;
  if (total === 0) return 0;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const [i, n] of [...h].sort((a, b) => a[0] - b[0])) {
    seen += n;
    if (seen >= rank) return Math.round(upperBoundMs(i) * 10) / 10;
  }
  return 0;
}

// How sure a latency ratio between two stages of one run is. The rounds are resampled with replacement —
// the same rounds for both stages, since a round's slices share the machine's state of the moment — each
// stage's latencies pooled over the drawn rounds, and the ratio of their percentiles taken; the 5th and 95th
// of those ratios are its 90 % interval. A target met by the point figure but not by the interval, or
// missed by both, reads differently from one whose whole interval is on one side.
// The per-round figure (perRoundRatio) pairs each round's stage with the base of the same round instead of
// pooling: one slow spell of the machine, which decides a pooled p99 by itself, then weighs as one round.
import { percentiles } from './open-loop.ts';

export interface RatioIntervals {
  p50: [number, number];
  p99: [number, number];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** `stage[i]` and `base[i]` are round i's latencies (ascending or not) of the two stages. */
export function ratioIntervals(stage: readonly Float64Array[], base: readonly Float64Array[], draws = 1000, random: () => number = Math.random): RatioIntervals {
  if (stage.length !== base.length || stage.length === 0) throw new Error('ratioIntervals: the two stages need the same, non-zero number of rounds');
  const p50s = new Float64Array(draws);
  const p99s = new Float64Array(draws);
  for (let d = 0; d < draws; d++) {
    const rounds = Array.from({ length: stage.length }, () => Math.floor(random() * stage.length));
    const a = percentiles(rounds.map((i) => stage[i]));
    const b = percentiles(rounds.map((i) => base[i]));
    p50s[d] = a.p50 / b.p50;
    p99s[d] = a.p99 / b.p99;
  }
  const bounds = (xs: Float64Array): [number, number] => {
    xs.sort();
    return [round2(xs[Math.floor(0.05 * (draws - 1))]), round2(xs[Math.ceil(0.95 * (draws - 1))])];
  };
  return { p50: bounds(p50s), p99: bounds(p99s) };
}

/**
 * The geometric mean over rounds of `stage[i] / base[i]` (each round's percentile, e.g. its p99, for the two
 * stages of that round). Rounds where either is not a positive number are left out; none left: NaN.
 */
export function perRoundRatio(stage: readonly number[], base: readonly number[]): number {
  if (stage.length !== base.length) throw new Error('perRoundRatio: the two stages need the same number of rounds');
  let logs = 0;
  let n = 0;
  for (let i = 0; i < stage.length; i++) {
    if (!(stage[i] > 0 && base[i] > 0)) continue;
    logs += Math.log(stage[i] / base[i]);
    n++;
  }
  return n === 0 ? Number.NaN : round2(Math.exp(logs / n));
}

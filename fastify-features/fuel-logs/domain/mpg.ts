// Per-log mpg (API.md): for a full-tank log L, P = the previous full-tank log of the same vehicle by
// odometer; mpg = (L.odometer − P.odometer) / Σ gallons of logs with P.odometer < odometer ≤ L.odometer.
import { divRound, toScaled } from './decimal.ts';

export interface MpgLog {
  id: string;
  odometer: number;
  gallons: number;
  fullTank: boolean;
}

/**
 * mpg of every given log of ONE vehicle, by id. The logs may be any odometer-contiguous slice of the
 * vehicle's history that starts at (or before) the previous full tank of the earliest log of interest.
 * "Previous" means strictly lower odometer: a full tank at the same odometer is not a P (it would give
 * a distance of 0), and logs at L's own odometer count towards L's gallons.
 */
export function computeMpgById(logs: readonly MpgLog[]): Map<string, number | null> {
  const sorted = [...logs].sort((a, b) => a.odometer - b.odometer);
  const result = new Map<string, number | null>();
  let cumulative = 0; // thousandths of a gallon up to and including the current odometer
  let prevFullOdometer: number | null = null;
  let cumulativeAtPrevFull = 0;

  for (let i = 0; i < sorted.length; ) {
    const odometer = sorted[i].odometer;
    let j = i;
    while (j < sorted.length && sorted[j].odometer === odometer) cumulative += toScaled(sorted[j++].gallons, 3);
    let groupHasFull = false;
    for (let k = i; k < j; k++) {
      const log = sorted[k];
      if (!log.fullTank) {
        result.set(log.id, null);
        continue;
      }
      groupHasFull = true;
      result.set(log.id, prevFullOdometer === null
        ? null
        : divRound((odometer - prevFullOdometer) * 1000, cumulative - cumulativeAtPrevFull, 2));
    }
    if (groupHasFull) {
      prevFullOdometer = odometer;
      cumulativeAtPrevFull = cumulative;
    }
    i = j;
  }
  return result;
}

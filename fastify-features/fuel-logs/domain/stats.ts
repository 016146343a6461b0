// Fuel statistics of one vehicle (API.md GET /api/fuel-logs/stats).
import { divRound, toScaled } from './decimal.ts';

export interface StatsLog {
  date: string; // YYYY-MM-DD
  odometer: number;
  gallons: number;
  totalCost: number;
  fullTank: boolean;
}

export interface FuelStatsValues {
  logCount: number;
  totalGallons: number;
  totalCost: number;
  distance: number;
  averageMpg: number | null;
  costPerMile: number | null;
  lastFillUpDate: string | null;
}

export function computeStats(logs: readonly StatsLog[]): FuelStatsValues {
  if (logs.length === 0) {
    return { logCount: 0, totalGallons: 0, totalCost: 0, distance: 0, averageMpg: null, costPerMile: null, lastFillUpDate: null };
  }
  let milliGallons = 0;
  let cents = 0;
  let minOdo = Infinity;
  let maxOdo = -Infinity;
  let firstFull = Infinity;
  let lastFull = -Infinity;
  let lastDate = logs[0].date;
  for (const log of logs) {
    milliGallons += toScaled(log.gallons, 3);
    cents += toScaled(log.totalCost, 2);
    minOdo = Math.min(minOdo, log.odometer);
    maxOdo = Math.max(maxOdo, log.odometer);
    if (log.fullTank) {
      firstFull = Math.min(firstFull, log.odometer);
      lastFull = Math.max(lastFull, log.odometer);
    }
    if (log.date > lastDate) lastDate = log.date; // ISO dates compare as strings
  }
  const distance = maxOdo - minOdo;

  // Fewer than two full tanks at distinct odometers → no measurable span.
  let averageMpg: number | null = null;
  if (lastFull > firstFull) {
    let spanMilliGallons = 0;
    for (const log of logs) {
      if (log.odometer > firstFull && log.odometer <= lastFull) spanMilliGallons += toScaled(log.gallons, 3);
    }
    averageMpg = divRound((lastFull - firstFull) * 1000, spanMilliGallons, 2);
  }

  return {
    logCount: logs.length,
    totalGallons: milliGallons / 1000,
    totalCost: cents / 100,
    distance,
    averageMpg,
    // cents / (100 × miles) = dollars per mile
    costPerMile: distance === 0 ? null : divRound(cents, distance * 100, 3),
    lastFillUpDate: lastDate,
  };
}

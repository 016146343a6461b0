// Which replays call Express a second time for noise calibration (docs/shadow.md "Noise calibration"):
// SHADOW_NOISE_RATE % of them, and at most SHADOW_NOISE_MAX_PER_SECOND per route each second. A busy route
// then does not send a tenth of its traffic to the legacy app a second time (Express, its database and the
// cores the clients share pay for every calibration) when a few a second already tell noise from mismatch.
// The calibrated ones stay a random subset, so the report's noise rates stay unbiased.
export interface CalibrationLimits {
  /** Share (0..100) of replays to calibrate. */
  noiseRate: number;
  /** Calibrations per route per second at most (per replay worker, so per gateway instance). */
  maxPerSecond: number;
}

export class CalibrationPicker {
  private second = -1;
  private readonly used = new Map<string, number>();
  private readonly limits: CalibrationLimits;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(limits: CalibrationLimits, now: () => number = Date.now, random: () => number = Math.random) {
    this.limits = limits;
    this.now = now;
    this.random = random;
  }

  /** Whether this replay of `route` (its feature and route template) calls Express a second time. */
  pick(route: string): boolean {
    if (this.random() * 100 >= this.limits.noiseRate) return false;
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.used.clear();
    }
    const used = this.used.get(route) ?? 0;
    if (used >= this.limits.maxPerSecond) return false;
    this.used.set(route, used + 1);
    return true;
  }
}

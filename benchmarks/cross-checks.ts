// The cross-checks `make bench` runs after the sequential run: benchmarks/paired.ts with the servers loaded
// at once (the read targets again; the proxy against a bare Node proxy, which is how the proxy target is
// judged), each written to benchmarks/results/<file> and rendered in STATUS.md by report.ts.
//
//   node benchmarks/cross-checks.ts      runs every one in turn (make bench, full runs)
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CrossCheck {
  /** Under benchmarks/results/. */
  file: string;
  /** The script under benchmarks/ (default paired.ts). */
  script?: 'paired.ts';
  /** Its arguments (without --json). */
  args: readonly string[];
  heading: string;
  /** Said under the heading of a native/floor/Express table (report.ts renderPaired). */
  note?: string;
}

const READS = 'vehicles-list,fuel-logs-list,fuel-stats,stations-search,maintenance-upcoming';

export const CROSS_CHECKS = {
  reads: {
    file: 'paired-latest.json',
    args: ['--scenarios', READS, '--rounds', '6', 'native=native', 'floor=floor', 'express=express'],
    heading: 'Cross-check: the three servers loaded at once',
    note: 'The sequential run above is what the targets are judged on; this is a second measurement of the same ratios that the machine\'s drift between paths cannot move.',
  },
  vehicles20: {
    file: 'paired-vehicles20-latest.json',
    args: ['--vehicles-per-user', '20', '--scenarios', 'vehicles-list', '--rounds', '6', 'native=native', 'floor=floor', 'express=express'],
    heading: 'Cross-check: a 20-vehicle list (the issue\'s own measurement)',
    note: 'The same three servers on `GET /api/vehicles` with 20 vehicles per user (the data set issue 15 measured the floor on): a larger body, so the per-request cost of the framework weighs less than on the 2–4-vehicle lists above.',
  },
  proxy: {
    file: 'paired-proxy-latest.json',
    args: ['--scenarios', READS, '--rounds', '6', 'proxied=proxied', 'proxy-floor=proxy-floor', 'express=express'],
    heading: 'Cross-check: the proxy against a bare Node proxy',
  },
} as const satisfies Record<string, CrossCheck>;

/** How STATUS.md says a missing cross-check is measured. */
export const crossCheckCommand = (c: CrossCheck): string => `node benchmarks/${c.script ?? 'paired.ts'} ${c.args.join(' ')}`;

if (import.meta.main) {
  const checks: CrossCheck[] = Object.values(CROSS_CHECKS);
  for (const c of checks) {
    const script = fileURLToPath(new URL(`./${c.script ?? 'paired.ts'}`, import.meta.url));
    // Relative, so the command paired.ts records (and STATUS.md shows) names no machine's directories.
    const results = relative(process.cwd(), fileURLToPath(new URL(`./results/${c.file}`, import.meta.url)));
    const run = spawnSync(process.execPath, [script, ...c.args, '--json', results], { stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}

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
  /** benchmarks/paired.ts's arguments (without --json). */
  args: readonly string[];
}

const READS = 'vehicles-list,fuel-logs-list,fuel-stats,stations-search,maintenance-upcoming';
// Tracing on, spans exported to a closed port: every span is built, batched and serialised, the send fails at
// connect (no collector shares the two cores). The SDK's standard variables, as a user would set them.
const OTEL = 'OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9,OTEL_EXPORTER_OTLP_PROTOCOL=http/json';

export const CROSS_CHECKS = {
  // The read targets again, native, floor and Express at once: the machine's drift between paths cannot move these.
  reads: {
    file: 'paired-latest.json',
    args: ['--scenarios', READS, '--rounds', '6', 'native=native', 'floor=floor', 'express=express'],
  },
  // GET /api/vehicles with 20 vehicles per user, the data set issue 15 measured the floor on.
  vehicles20: {
    file: 'paired-vehicles20-latest.json',
    args: ['--vehicles-per-user', '20', '--scenarios', 'vehicles-list', '--rounds', '6', 'native=native', 'floor=floor', 'express=express'],
  },
  // The gateway's proxy beside a bare node:http + undici proxy and Express: the proxy target is judged here.
  proxy: {
    file: 'paired-proxy-latest.json',
    args: ['--scenarios', READS, '--rounds', '6', 'proxied=proxied', 'proxy-floor=proxy-floor', 'express=express'],
  },
  // What tracing costs the native gateway (issue 31): off (no SDK loaded), sampled at 10 %, and every request.
  tracing: {
    file: 'paired-tracing-latest.json',
    args: ['--scenarios', 'vehicles-list,stations-search', '--rounds', '4', 'off=native',
      `sampled-10=native+${OTEL},OTEL_TRACES_SAMPLER=traceidratio,OTEL_TRACES_SAMPLER_ARG=0.1`, `sampled-100=native+${OTEL},OTEL_TRACES_SAMPLER=always_on`],
  },
} as const satisfies Record<string, CrossCheck>;

if (import.meta.main) {
  const checks: CrossCheck[] = Object.values(CROSS_CHECKS);
  for (const c of checks) {
    const script = fileURLToPath(new URL('./paired.ts', import.meta.url));
    // Relative, so the command paired.ts records (and STATUS.md shows) names no machine's directories.
    const results = relative(process.cwd(), fileURLToPath(new URL(`./results/${c.file}`, import.meta.url)));
    const run = spawnSync(process.execPath, [script, ...c.args, '--json', results], { stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}

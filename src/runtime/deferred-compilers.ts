// V8's optimising compilers kept off while the gateway starts and while it only answers probes, and turned
// on by its first real request. Start-up code (module loading, plugin registration, schema compilation)
// runs once, and an idle instance's periodic work (timers, health probes) is not worth compiling: a
// single compile touches ~8 MB of the compilers' own pages in the node binary. Measured idle RSS with a
// legacy app: 86–87 MB 60 s after start with the compilers on at `listen`, 78 MB with them still off,
// 87–90 MB before any of this (benchmarks/findings.md, ninth and tenth rounds).
// The production command line starts Node with the compilers named below off (stack/production-flags.ts);
// `enableDeferredCompilers()` turns on exactly those the command line turned off, so requests are served
// by a normally tiering V8.
import type { EventEmitter } from 'node:events';
import { setFlagsFromString } from 'node:v8';

/**
 * All three tiers above the interpreter. Turned on after start, Maglev then compiles on the main thread
 * (V8 creates its background dispatcher at start, and only when Maglev is on): a few hundred compiles
 * while the first load warms up. Keeping Maglev on from the start instead left the functions it had
 * compiled during start-up without a way up to Turbofan, and cost 7–8% more CPU per request (paired runs).
 */
export const DEFERRED_COMPILERS = ['turbofan', 'maglev', 'sparkplug'] as const;

/** The Node flags that keep them off at start (part of the gateway's production command line). */
export const DEFERRED_COMPILER_FLAGS = DEFERRED_COMPILERS.map((name) => `--no-${name}`);

/**
 * Turns on every deferred compiler that `execArgv` turned off (none when the process was started without
 * those flags) and returns their names. V8 reads these flags whenever it decides to tier a function up, and
 * Node leaves flags writable after start.
 */
export function enableDeferredCompilers(execArgv: readonly string[] = process.execArgv): string[] {
  const enabled = deferredBy(execArgv);
  for (const name of enabled) setFlagsFromString(`--${name}`);
  return enabled;
}

/** The compilers `execArgv` turned off. */
function deferredBy(execArgv: readonly string[]): string[] {
  return DEFERRED_COMPILERS.filter((name) => execArgv.includes(`--no-${name}`));
}

/** Requests that are not traffic: load balancers' and orchestrators' health checks, Prometheus scrapes. */
const PROBE = /^\/(?:health|metrics)(?:[/?]|$)/;

/**
 * Turns the deferred compilers on at `server`'s first request that is not a probe, and then stops
 * listening: once they are on a request costs nothing more. An instance that is only probed stays on the
 * interpreter, where its periodic work costs next to nothing. Nothing to do when the command line
 * deferred no compiler.
 */
export function enableDeferredCompilersOnTraffic(server: EventEmitter, execArgv: readonly string[] = process.execArgv): void {
  if (deferredBy(execArgv).length === 0) return;
  const onRequest = (request: { url?: string }) => {
    if (PROBE.test(request.url ?? '')) return;
    server.off('request', onRequest);
    enableDeferredCompilers(execArgv);
  };
  server.on('request', onRequest);
}

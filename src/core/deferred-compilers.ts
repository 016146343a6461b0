// V8's optimising compilers kept off while the gateway starts and turned on once it is ready to serve.
// Start-up code (module loading, plugin registration, schema compilation) runs once: optimising it only
// leaves machine code, compiler memory and touched pages of the node binary in an idle process: idle RSS
// 3.5–4 MB lower 20 s after start, 10–11 MB lower before the periodic work gets compiled.
// The production command line starts Node with the compilers named below off (stack/production-flags.ts);
// `enableDeferredCompilers()` turns on exactly those the command line turned off, before `listen`, so
// requests are served by a normally tiering V8. Measurements in benchmarks/findings.md (ninth round).
import { setFlagsFromString } from 'node:v8';

/**
 * All three tiers above the interpreter. Turned on only at ready, Maglev then compiles on the main thread
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
  const enabled = DEFERRED_COMPILERS.filter((name) => execArgv.includes(`--no-${name}`));
  for (const name of enabled) setFlagsFromString(`--${name}`);
  return enabled;
}

// The trace id on every log line written inside a traced request: a pino mixin that the tracing start-up
// installs. Without tracing there is no mixin at all (pino then does no per-line work for it).

type Mixin = () => Record<string, string>;
let mixin: Mixin | undefined;

/** Called once by the tracing start-up (src/telemetry/sdk.ts), before any logger is created. */
export function setTraceLogMixin(fn: Mixin): void {
  mixin = fn;
}

/** The mixin to give a pino logger (`{ mixin: traceLogMixin() }`): undefined when this process does not trace. */
export function traceLogMixin(): Mixin | undefined {
  return mixin;
}

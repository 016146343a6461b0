// What this process's tracing start-up (src/telemetry/sdk.ts) leaves for the code loaded after it: nothing
// when the process does not trace, so the app registers no tracing hook and its loggers get no mixin.
// No imports here: it is read by modules that a process without tracing loads too.

export interface ProcessTracing {
  /** A pino mixin: `trace_id` and `span_id` on every line written inside a traced request. */
  logMixin(): Record<string, string>;
  /** The active trace context as W3C headers (`traceparent`, …), for work done later and elsewhere that links to it. */
  carrier(): Record<string, string>;
  /**
   * Runs `fn` in a new trace (a root span named `name`) linked to the context in `link` — work done for a
   * request but not part of it (a shadow replay): the request's trace never waits for it.
   */
  linkedRoot<T>(name: string, link: Record<string, string> | undefined, attributes: Record<string, string | number | boolean>, fn: () => Promise<T>): Promise<T>;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

let current: ProcessTracing | undefined;

/** Called once by the tracing start-up, before the app's modules load. */
export function setProcessTracing(tracing: ProcessTracing): void {
  current = tracing;
}

/** This process's tracing, or undefined when it does not trace (OTEL_* unset, or an app built in-process). */
export function processTracing(): ProcessTracing | undefined {
  return current;
}

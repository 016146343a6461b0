// Whether this process traces: only when the standard OpenTelemetry variables ask for an exporter. Read
// before anything else loads (no imports here), so a process that does not trace never loads the SDK.

/** True when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set or OTEL_TRACES_EXPORTER names an exporter, and OTEL_SDK_DISABLED is not "true". */
export function tracingEnabled(env: Record<string, string | undefined>): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return false;
  return Boolean(exporter || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

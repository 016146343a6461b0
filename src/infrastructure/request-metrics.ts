// The per-request Prometheus series (requests, 5xx, latency by feature, backend and route), counted in plain
// numbers and written out in the text exposition format when /metrics is scraped. prom-client validates
// and hashes the label set on every inc()/observe(), bound children included; counting here instead, with
// the window recorder's key remembered too, costs a request a few Map lookups on interned strings (what it
// buys: docs/performance.md).

import { innerMap } from './inner-map.ts';

export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const REQUESTS = { name: 'gateway_requests_total', help: 'Requests answered, by feature, backend, route template, method and status' };
const ERRORS = { name: 'gateway_request_errors_total', help: 'Requests answered with a 5xx, by feature, backend and route template' };
const LATENCY = { name: 'gateway_request_duration_seconds', help: 'Request latency by feature, backend and route template' };

/** One (feature, backend, route) triple: its counts by method and status, its 5xx and its latency histogram. */
interface Series {
  feature: string;
  backend: string;
  /** The route template (`/api/vehicles/:id`), never a raw URL: the label's values stay few. */
  route: string;
  byMethod: Map<string, Map<number, number>>;
  errors: number;
  /** Observations per bucket (not cumulative); the last slot is above the largest bound (+Inf). */
  buckets: number[];
  sum: number;
  count: number;
}

/** Prometheus label value escaping (backslash, double quote, newline). */
const labelValue = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** A number as Prometheus prints it (prom-client's style: +Inf, plain decimals). */
const num = (n: number) => (n === Infinity ? '+Inf' : String(n));

export class RequestMetrics {
  private readonly series = new Map<string, Map<string, Map<string, Series>>>();

  observe(feature: string, backend: string, route: string, method: string, status: number, seconds: number): void {
    const s = this.seriesOf(feature, backend, route);
    const byStatus = innerMap(s.byMethod, method);
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    if (status >= 500) s.errors++;
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) i++;
    s.buckets[i]++;
    s.sum += seconds;
    s.count++;
  }

  /** The three metric families in the text exposition format (as prom-client writes them). */
  render(): string {
    const all = [...this.series.values()].flatMap((byBackend) => [...byBackend.values()].flatMap((byRoute) => [...byRoute.values()]));
    const requests: string[] = [];
    const errors: string[] = [];
    const latency: string[] = [];
    for (const s of all) {
      const fb = `feature="${labelValue(s.feature)}",backend="${labelValue(s.backend)}",route="${labelValue(s.route)}"`;
      for (const [method, byStatus] of s.byMethod) {
        for (const [status, n] of byStatus) requests.push(`${REQUESTS.name}{${fb},method="${labelValue(method)}",status="${status}"} ${n}`);
      }
      if (s.errors > 0) errors.push(`${ERRORS.name}{${fb}} ${s.errors}`);
      let cumulative = 0;
      [...LATENCY_BUCKETS, Infinity].forEach((bound, i) => {
        cumulative += s.buckets[i];
        latency.push(`${LATENCY.name}_bucket{le="${num(bound)}",${fb}} ${cumulative}`);
      });
      latency.push(`${LATENCY.name}_sum{${fb}} ${num(s.sum)}`, `${LATENCY.name}_count{${fb}} ${s.count}`);
    }
    return [
      family(REQUESTS, 'counter', requests),
      family(ERRORS, 'counter', errors),
      family(LATENCY, 'histogram', latency),
    ].join('\n\n');
  }

  private seriesOf(feature: string, backend: string, route: string): Series {
    const byRoute = innerMap(innerMap(this.series, feature), backend);
    let s = byRoute.get(route);
    if (s === undefined) {
      s = { feature, backend, route, byMethod: new Map(), errors: 0, buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      byRoute.set(route, s);
    }
    return s;
  }
}

function family(meta: { name: string; help: string }, type: 'counter' | 'histogram', lines: string[]): string {
  return [`# HELP ${meta.name} ${meta.help}`, `# TYPE ${meta.name} ${type}`, ...lines].join('\n');
}

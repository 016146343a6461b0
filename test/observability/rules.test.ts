// deploy/observability/: every metric the Prometheus rules and the Grafana dashboard query exists in a real
// gateway's /metrics (scraped over HTTP after traffic on both backends), with the labels they select on;
// every recording rule an alert uses is defined; every alert has a summary.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startBackends, type TestEnv } from '../support/in-process.ts';

const DIR = new URL('../../deploy/observability/', import.meta.url);

interface Rule { record?: string; alert?: string; expr: string; annotations?: Record<string, string> }
const rules: Rule[] = (parse(readFileSync(new URL('alerts.yaml', DIR), 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);
interface Panel { title: string; targets?: Array<{ expr: string }> }
const dashboard = JSON.parse(readFileSync(new URL('grafana-dashboard.json', DIR), 'utf8')) as { panels: Panel[]; templating: { list: Array<{ definition?: string }> } };
const dashboardExprs = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : [])),
];

/** Metric names a PromQL expression reads (recording rules, which hold a colon, apart). */
const METRIC = /\b((?:gateway|progressive|process|nodejs)_[a-z0-9_]+)\b(\{[^}]*\})?/g;
const RECORDED = /\bmotovaultpro:[a-z0-9_:]+/g;

/** Scraped series: metric name → the label names its series carry (histograms under each suffix). */
function scrapedNames(text: string): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const suffixes = type[2] === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
      for (const s of suffixes) if (!names.has(type[1] + s)) names.set(type[1] + s, new Set());
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!sample) continue;
    const labels = names.get(sample[1]) ?? new Set<string>();
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(m[1]);
    names.set(sample[1], labels);
  }
  return names;
}

let env: TestEnv;
let scraped: Map<string, Set<string>>;
before(async () => {
  env = await startBackends();
  const user = await env.newUser();
  // Traffic on both backends (and a proxied and a native 401), so the per-request series exist.
  for (const target of [env.targets.gatewayExpress, env.targets.gatewayFastify]) {
    await user.client(target).get('/api/vehicles');
    await fetch(`${target}/api/fuel-logs`).then((r) => r.arrayBuffer());
  }
  const [a, b] = await Promise.all([env.targets.gatewayExpress, env.targets.gatewayFastify].map((t) => fetch(`${t}/metrics`).then((r) => r.text())));
  scraped = scrapedNames(`${a}\n${b}`);
});
after(() => env?.close());

function checkNames(where: string, expr: string) {
  const found = [...expr.matchAll(METRIC)];
  for (const [, name, selector] of found) {
    assert.ok(scraped.has(name), `${where}: ${name} is not a metric the gateway exposes`);
    const have = scraped.get(name) ?? new Set();
    if (!selector || have.size === 0) continue;
    for (const m of selector.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) assert.ok(have.has(m[1]), `${where}: ${name} has no label ${m[1]} (has ${[...have].join(', ')})`);
  }
  return found.length;
}

test('the alert and recording rules read only metrics and labels the gateway exposes', () => {
  const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
  let metrics = 0;
  for (const r of rules) {
    const where = r.record ?? r.alert ?? '?';
    metrics += checkNames(where, r.expr);
    for (const [used] of r.expr.matchAll(RECORDED)) assert.ok(recorded.has(used), `${where}: recording rule ${used} is not defined`);
    if (r.alert) assert.ok(r.annotations?.summary, `${r.alert}: no summary`);
  }
  assert.ok(metrics >= 5, 'the check saw the metrics');
  // The guard's three figures are recorded per feature and backend.
  for (const figure of ['motovaultpro:requests:rate5m', 'motovaultpro:errors_5xx:ratio5m', 'motovaultpro:latency:p99_5m']) {
    const rule = rules.find((r) => r.record === figure);
    assert.match(rule?.expr ?? '', /by \((le, )?feature, backend\)/, figure);
  }
});

test('the Grafana dashboard queries only metrics and labels the gateway exposes', () => {
  assert.ok(dashboardExprs.length >= 10);
  let metrics = 0;
  for (const expr of dashboardExprs) metrics += checkNames('dashboard', expr);
  assert.ok(metrics >= dashboardExprs.length, 'every query reads a metric');
});

test('the check can fail: a misspelt metric or label is caught', () => {
  assert.throws(() => checkNames('probe', 'rate(gateway_request_total[5m])'), /not a metric/);
  assert.throws(() => checkNames('probe', 'rate(gateway_requests_total{endpoint="/x"}[5m])'), /no label endpoint/);
});

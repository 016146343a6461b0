// deploy/: the Kubernetes overlays render (test/deploy/support/kustomize.ts) into objects that are valid
// for the Kubernetes API (kubernetes-models' schemas); every configuration variable the schema requires
// reaches every container, and the real loadConfig() accepts what each container gets; the flag defaults
// live in one ConfigMap; probes, ports and shutdown timings agree with the code; HAProxy and
// docker-compose.yml agree with it too; the gateway's Node options are written once (deploy/gateway.env).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ConfigSchema, loadConfig } from '../../src/config/config.ts';
import { FEATURES, BACKENDS } from '../../flags/registry.ts';
import { GATEWAY_ENV_FILE } from '../../stack/apps.ts';
import { render, readYamlDocs, type K8sObject } from './support/kustomize.ts';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const K8S = `${ROOT}deploy/k8s`;
const OVERLAYS = ['dev', 'production'] as const;

/** What each process runs in production: the build (no type stripping), the gateway with its Node options file. */
const PRODUCTION_COMMANDS = {
  gateway: ['node', `--env-file=${GATEWAY_ENV_FILE}`, 'dist/src/server.js'],
  legacy: ['node', 'dist/legacy-express/server.js'],
  migrate: ['node', 'dist/src/db/migrate.js'],
};

const MODELS: Record<string, new () => { validate(): void }> = {
  'apps/v1/Deployment': Deployment, 'batch/v1/Job': Job, 'v1/ConfigMap': ConfigMap, 'v1/Secret': Secret, 'v1/Service': Service,
  'v1/Namespace': Namespace, 'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler, 'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};
function validate(o: K8sObject) {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  assert.ok(Model, `no model for ${o.apiVersion} ${o.kind}`);
  Object.assign(new Model(), o).validate(); // the model's fields are the object's own (what kubectl would send)
}

type Container = { name: string; image: string; command?: string[]; ports?: Array<{ name: string; containerPort: number }>; env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>; envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>; readinessProbe?: Probe; livenessProbe?: Probe; startupProbe?: Probe; lifecycle?: { preStop?: { sleep?: { seconds: number } } } };
type Probe = { httpGet?: { path: string; port: string | number }; tcpSocket?: { port: string | number }; periodSeconds?: number; failureThreshold?: number };
type PodSpec = { containers: Container[]; initContainers?: Container[]; terminationGracePeriodSeconds?: number };

const find = (objs: K8sObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name} missing`);
  return o;
};
const podSpec = (o: K8sObject) => (o.spec as { template: { spec: PodSpec; metadata: { labels: Record<string, string>; annotations?: Record<string, string> } } }).template;
const container = (objs: K8sObject[], deployment: string) => podSpec(find(objs, 'Deployment', deployment)).spec.containers[0];
/** The migration init container of each app Deployment (migrations run before the pod's code serves). */
const migrateContainers = (objs: K8sObject[]) => ['motovaultpro-gateway', 'motovaultpro-legacy'].map((d) => {
  const init = podSpec(find(objs, 'Deployment', d)).spec.initContainers?.find((c) => c.name === 'migrate');
  assert.ok(init, `${d} has no migrate init container`);
  return init;
});

/** The Secret's keys: rendered in dev; in production it is managed outside, with the template's keys. */
function secretData(objs: K8sObject[], name: string): Record<string, string> {
  const s = objs.find((x) => x.kind === 'Secret' && x.metadata.name === name) ?? readYamlDocs(`${K8S}/secret.template.yaml`).find((x) => x.metadata.name === name);
  assert.ok(s, `Secret ${name} neither rendered nor in secret.template.yaml`);
  return (s.stringData ?? s.data) as Record<string, string>;
}

/** The environment a container starts with (envFrom in order, then env). */
function containerEnv(objs: K8sObject[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const src of c.envFrom ?? []) {
    if (src.configMapRef) Object.assign(env, find(objs, 'ConfigMap', src.configMapRef.name).data);
    if (src.secretRef) Object.assign(env, secretData(objs, src.secretRef.name));
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) {
      const v = secretData(objs, e.valueFrom.secretKeyRef.name)[e.valueFrom.secretKeyRef.key];
      assert.notEqual(v, undefined, `${c.name}: ${e.name} refers to a missing Secret key`);
      env[e.name] = v;
    }
  }
  return env;
}

/** Variables the schema cannot default: derived from the schema itself. */
const REQUIRED = Object.entries(ConfigSchema.properties).filter(([, s]) => !('default' in s)).map(([k]) => k);
const DEFAULTS = Object.fromEntries(Object.entries(ConfigSchema.properties).map(([k, s]) => [k, (s as { default?: unknown }).default]));

test('the required-variable list comes from the schema (and is not empty)', () => {
  assert.deepEqual(REQUIRED.sort(), ['AUTH_AUDIENCE', 'AUTH_ISSUER', 'DATABASE_URL']);
});

test('the validator can fail: a wrong type or a missing required field is refused', () => {
  // (kubernetes-models' schemas allow unknown fields, as the API server's non-strict decoding does; the
  // tests below read every field that matters by name, so a misspelled one fails them instead.)
  const base = render(`${K8S}/dev`).find((o) => o.kind === 'Deployment');
  assert.ok(base, 'the dev overlay has a Deployment');
  const bad = structuredClone(base) as K8sObject & { spec: Record<string, unknown> };
  bad.spec.replicas = 'three';
  assert.throws(() => validate(bad));
  const noSelector = structuredClone(base) as K8sObject & { spec: Record<string, unknown> };
  delete noSelector.spec.selector;
  assert.throws(() => validate(noSelector));
});

for (const overlay of OVERLAYS) {
  describe(`overlay ${overlay}`, () => {
    const objs = render(`${K8S}/${overlay}`);

    test('every object is a valid Kubernetes object, names unique, all in one namespace', () => {
      for (const o of objs) validate(o);
      const keys = objs.map((o) => `${o.kind}/${o.metadata.name}`);
      assert.equal(new Set(keys).size, keys.length, 'duplicate objects');
      const namespaces = new Set(objs.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace));
      assert.equal(namespaces.size, 1, `objects spread over ${[...namespaces]}`);
    });

    test('every app container gets every required variable, and loadConfig() accepts its environment', () => {
      for (const name of ['motovaultpro-gateway', 'motovaultpro-legacy']) {
        const env = containerEnv(objs, container(objs, name));
        for (const v of REQUIRED) assert.ok(env[v], `${name}: ${v} not provided`);
        const cfg = loadConfig(env);
        assert.equal(cfg.HOST, '0.0.0.0', `${name} must listen on all interfaces in a pod`);
        assert.equal(cfg.NODE_ENV, 'production');
        assert.equal(cfg.DEV_TOOLS, false);
      }
      for (const migrate of migrateContainers(objs)) assert.match(containerEnv(objs, migrate).DATABASE_URL, /^postgres(ql)?:\/\//);
    });

    test('every process runs the production build (dist/); the gateway runs the image CMD, NODE_OPTIONS left to its file', () => {
      const gw = container(objs, 'motovaultpro-gateway');
      assert.equal(gw.command, undefined, 'the gateway runs the image CMD, which reads deploy/gateway.env');
      assert.equal(containerEnv(objs, gw).NODE_OPTIONS, undefined, 'a NODE_OPTIONS in the pod would replace the file');
      assert.deepEqual(container(objs, 'motovaultpro-legacy').command, PRODUCTION_COMMANDS.legacy);
      for (const migrate of migrateContainers(objs)) assert.deepEqual(migrate.command, PRODUCTION_COMMANDS.migrate);
    });

    test('the flag variables live in one ConfigMap, one per feature of the registry, with valid values', () => {
      const flagVars = FEATURES.map((f) => f.envVar);
      const holders = objs.filter((o) => o.kind === 'ConfigMap' && Object.keys((o.data as object) ?? {}).some((k) => k.endsWith('_BACKEND')));
      assert.deepEqual(holders.map((h) => h.metadata.name), ['motovaultpro-flags']);
      const data = holders[0].data as Record<string, string>;
      assert.deepEqual(Object.keys(data).sort(), [...flagVars].sort());
      for (const v of Object.values(data)) assert.ok((BACKENDS as readonly string[]).includes(v), `bad backend ${v}`);
      for (const name of ['motovaultpro-gateway', 'motovaultpro-legacy']) {
        assert.ok(container(objs, name).envFrom?.some((e) => e.configMapRef?.name === 'motovaultpro-flags'), `${name} does not read the flags`);
      }
    });

    test('ports and probes agree with the code: PORT, LEGACY_PORT, /health/ready readiness, /health/live liveness', () => {
      const gw = container(objs, 'motovaultpro-gateway');
      const gwEnv = loadConfig(containerEnv(objs, gw));
      assert.equal(gwEnv.PORT, DEFAULTS.PORT, 'the manifests keep the code default PORT');
      assert.deepEqual(gw.ports, [{ name: 'http', containerPort: gwEnv.PORT }, { name: 'metrics', containerPort: gwEnv.METRICS_PORT }]);
      assert.ok(gwEnv.METRICS_PORT > 0, '/metrics is not on the client-facing port');
      const annotations = podSpec(find(objs, 'Deployment', 'motovaultpro-gateway')).metadata.annotations ?? {};
      assert.deepEqual([annotations['prometheus.io/scrape'], annotations['prometheus.io/port'], annotations['prometheus.io/path']], ['true', String(gwEnv.METRICS_PORT), '/metrics']);
      assert.deepEqual(gw.readinessProbe?.httpGet, { path: '/health/ready', port: 'http' });
      assert.deepEqual(gw.livenessProbe?.httpGet, { path: '/health/live', port: 'http' });
      assert.deepEqual(gw.startupProbe?.httpGet, { path: '/health/live', port: 'http' });
      const legacy = container(objs, 'motovaultpro-legacy');
      const lEnv = loadConfig(containerEnv(objs, legacy));
      assert.deepEqual(legacy.ports, [{ name: 'http', containerPort: lEnv.LEGACY_PORT }]);
      assert.deepEqual(legacy.readinessProbe?.httpGet, { path: '/health/ready', port: 'http' });
      assert.deepEqual(legacy.livenessProbe?.httpGet, { path: '/health/live', port: 'http' });
      // The gateway reaches legacy through its Service, on the port the Service exposes.
      const url = new URL(gwEnv.LEGACY_URL);
      const svc = find(objs, 'Service', url.hostname).spec as { ports: Array<{ port: number; targetPort: string }>; selector: Record<string, string> };
      assert.equal(svc.ports[0].port, Number(url.port));
      assert.equal(svc.ports[0].targetPort, 'http');
    });

    test('shutdown: terminationGracePeriod covers preStop + SHUTDOWN_GRACE_MS; readiness notices the drain in time', () => {
      for (const name of ['motovaultpro-gateway', 'motovaultpro-legacy']) {
        const spec = podSpec(find(objs, 'Deployment', name)).spec;
        const c = spec.containers[0];
        const cfg = loadConfig(containerEnv(objs, c));
        const preStopMs = (c.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
        const graceMs = (spec.terminationGracePeriodSeconds ?? 30) * 1000;
        assert.ok(preStopMs >= 1000, `${name}: no preStop delay for endpoint propagation`);
        assert.ok(graceMs >= preStopMs + cfg.SHUTDOWN_GRACE_MS + 1000, `${name}: terminationGracePeriodSeconds ${graceMs / 1000} s < preStop ${preStopMs / 1000} s + SHUTDOWN_GRACE_MS ${cfg.SHUTDOWN_GRACE_MS / 1000} s + 1 s`);
        if (name === 'motovaultpro-gateway') {
          const r = c.readinessProbe;
          assert.ok(r, `${name}: has a readiness probe`);
          assert.ok((r.periodSeconds ?? 10) * (r.failureThreshold ?? 3) * 1000 <= cfg.SHUTDOWN_DRAIN_DELAY_MS, 'readiness would still pass when the gateway stops accepting');
        }
      }
    });

    test('selectors: Services, PDBs, the HPA and the NetworkPolicy select what they mean to', () => {
      const labels = (d: string) => podSpec(find(objs, 'Deployment', d)).metadata.labels;
      const matches = (sel: Record<string, string>, l: Record<string, string>) => Object.entries(sel).every(([k, v]) => l[k] === v);
      for (const d of ['motovaultpro-gateway', 'motovaultpro-legacy']) {
        const dep = find(objs, 'Deployment', d).spec as { selector: { matchLabels: Record<string, string> } };
        assert.ok(matches(dep.selector.matchLabels, labels(d)));
        assert.ok(matches((find(objs, 'Service', d).spec as { selector: Record<string, string> }).selector, labels(d)));
        assert.ok(matches((find(objs, 'PodDisruptionBudget', d).spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, labels(d)));
      }
      // The selectors must not overlap: the gateway's must not pick legacy pods and vice versa.
      const gwSel = (find(objs, 'Deployment', 'motovaultpro-gateway').spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      assert.ok(!matches(gwSel, labels('motovaultpro-legacy')));
      const hpa = find(objs, 'HorizontalPodAutoscaler', 'motovaultpro-gateway').spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number; metrics: Array<{ resource: { name: string } }> };
      assert.deepEqual(hpa.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'motovaultpro-gateway' });
      assert.ok(hpa.minReplicas >= 2);
      assert.equal(hpa.metrics[0].resource.name, 'cpu');
      const np = find(objs, 'NetworkPolicy', 'motovaultpro-legacy-from-gateway-only').spec as { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: Array<{ from: Array<{ podSelector: { matchLabels: Record<string, string> } }>; ports: Array<{ port: string }> }> };
      assert.ok(matches(np.podSelector.matchLabels, labels('motovaultpro-legacy')));
      assert.deepEqual(np.policyTypes, ['Ingress']);
      assert.equal(np.ingress.length, 1);
      assert.equal(np.ingress[0].from.length, 1);
      assert.ok(matches(np.ingress[0].from[0].podSelector.matchLabels, labels('motovaultpro-gateway')));
      assert.ok(!matches(np.ingress[0].from[0].podSelector.matchLabels, labels('motovaultpro-legacy')));
      assert.deepEqual(np.ingress[0].ports.map((p) => p.port), ['http']);
    });
  });
}

test('gateway replicas: 3 in base and dev; production leaves the count to the HPA (apply never scales it down)', () => {
  const dev = find(render(`${K8S}/dev`), 'Deployment', 'motovaultpro-gateway').spec as { replicas?: number };
  assert.equal(dev.replicas, 3);
  const prod = render(`${K8S}/production`);
  assert.equal((find(prod, 'Deployment', 'motovaultpro-gateway').spec as { replicas?: number }).replicas, undefined);
  assert.equal((find(prod, 'HorizontalPodAutoscaler', 'motovaultpro-gateway').spec as { minReplicas: number }).minReplicas, 3);
  assert.ok(!prod.some((o) => o.kind === 'Secret'), 'production must not apply (and so overwrite) the Secret');
  for (const d of ['motovaultpro-gateway', 'motovaultpro-legacy']) {
    const spec = podSpec(find(prod, 'Deployment', d)).spec;
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) assert.match(c.image, /@sha256:[0-9a-f]{64}$/, `production ${d}/${c.name} image pinned by digest`);
  }
});

test('HAProxy: checks GET /health/ready on the gateway port, and takes a draining gateway out before it closes', () => {
  const cfg = readFileSync(`${ROOT}deploy/haproxy/haproxy.cfg`, 'utf8');
  assert.match(cfg, /^\s*option httpchk GET \/health\/ready$/m);
  assert.match(cfg, new RegExp(`server-template \\S+ \\d+ gateway:${DEFAULTS.PORT} `));
  const ms = (k: string) => {
    const m = new RegExp(`default-server .*\\b${k} (\\d+)(ms|s)\\b`).exec(cfg);
    assert.ok(m, `${k} missing`);
    return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  };
  const fall = Number(/default-server .*\bfall (\d+)/.exec(cfg)?.[1]);
  // A draining gateway answers the check at once (503), so: wait for the next check, then fall-1 fast ones,
  // plus 250 ms for the answers and scheduling.
  const worstDetectionMs = ms('inter') + (fall - 1) * ms('fastinter') + 250;
  assert.ok(worstDetectionMs <= Number(DEFAULTS.SHUTDOWN_DRAIN_DELAY_MS), `HAProxy may need ${worstDetectionMs} ms to see a drain, the default drain is ${DEFAULTS.SHUTDOWN_DRAIN_DELAY_MS} ms`);
  // Retries: connection failures for every method, no-answer retries for GET/HEAD only.
  assert.match(cfg, /^\s*retry-on conn-failure empty-response$/m);
  assert.match(cfg, /^\s*http-request disable-l7-retry unless METH_GET \|\| METH_HEAD$/m);
});

test('docker-compose.yml parses; several gateway replicas behind the haproxy service with the shipped config', () => {
  const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as { services: Record<string, Record<string, unknown>> };
  const gw = compose.services.gateway as { deploy?: { replicas?: number }; ports?: unknown; environment: Record<string, string>; stop_grace_period?: string };
  assert.ok((gw.deploy?.replicas ?? 1) >= 2, 'the gateway runs as several replicas');
  assert.equal(gw.ports, undefined, 'replicas cannot share a published host port: HAProxy publishes 3001');
  const lb = compose.services.haproxy as { image: string; volumes: string[]; ports: string[]; depends_on: Record<string, unknown> };
  assert.match(lb.image, /^haproxy:/);
  assert.ok(lb.volumes.includes('./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro'));
  assert.ok(lb.ports.some((p) => p.endsWith(`:${DEFAULTS.PORT}`)));
  assert.ok('gateway' in lb.depends_on);
  // The environment the gateway containers get (with `${VAR:-default}` at its default) passes the schema.
  const env = Object.fromEntries(Object.entries(gw.environment).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));
  const cfg = loadConfig(env);
  assert.equal(cfg.PORT, DEFAULTS.PORT);
  assert.ok(Number.parseInt(gw.stop_grace_period ?? '10', 10) * 1000 > cfg.SHUTDOWN_GRACE_MS, 'docker would SIGKILL before the graceful shutdown ends');
});

test('config: a drain as long as the whole grace period is refused', () => {
  const env = { DATABASE_URL: 'postgres://x@127.0.0.1/x', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', AUTH_JWKS_FILE: '/x' };
  assert.throws(() => loadConfig({ ...env, SHUTDOWN_GRACE_MS: '5000', SHUTDOWN_DRAIN_DELAY_MS: '5000' }), /SHUTDOWN_DRAIN_DELAY_MS/);
  assert.equal(loadConfig({ ...env, SHUTDOWN_GRACE_MS: '5000', SHUTDOWN_DRAIN_DELAY_MS: '4000' }).SHUTDOWN_DRAIN_DELAY_MS, 4000);
});

test("the gateway's Node options are written once: deploy/gateway.env, read by npm start and the image CMD that compose and Kubernetes run", () => {
  const options = parseEnv(readFileSync(`${ROOT}${GATEWAY_ENV_FILE}`, 'utf8'));
  assert.deepEqual(Object.keys(options), ['NODE_OPTIONS'], 'the file holds the Node options and nothing else');
  const flags = (options.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  assert.ok(flags.length > 0 && flags.every((f) => f.startsWith('--')), `NODE_OPTIONS=${options.NODE_OPTIONS}`);

  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts.start, PRODUCTION_COMMANDS.gateway.join(' '));
  assert.equal(pkg.scripts['start:legacy'], PRODUCTION_COMMANDS.legacy.join(' '));
  assert.equal(pkg.scripts.migrate, PRODUCTION_COMMANDS.migrate.join(' '));

  const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  assert.deepEqual(JSON.parse(/^CMD (\[.*\])$/m.exec(runtime)?.[1] ?? 'null'), PRODUCTION_COMMANDS.gateway);
  assert.match(runtime, new RegExp(`^COPY ${GATEWAY_ENV_FILE} ${GATEWAY_ENV_FILE}$`, 'm'), 'the image carries the options file');

  const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as { services: Record<string, { command?: string[]; environment?: Record<string, string> }> };
  assert.equal(compose.services.gateway.command, undefined, 'the gateway service runs the image CMD');
  assert.equal(compose.services.gateway.environment?.NODE_OPTIONS, undefined, 'a NODE_OPTIONS there would replace the file');
  assert.deepEqual(compose.services.legacy.command, PRODUCTION_COMMANDS.legacy);
  assert.deepEqual(compose.services.migrate.command, PRODUCTION_COMMANDS.migrate);

  // No other copy of any of the flags in what starts a process.
  const starters = ['package.json', 'Dockerfile', 'docker-compose.yml', 'deploy/k8s/base/gateway.yaml', 'stack/apps.ts', 'Makefile'];
  for (const file of starters) {
    const text = readFileSync(`${ROOT}${file}`, 'utf8');
    for (const flag of flags) assert.ok(!text.includes(flag.split('=')[0]), `${file} repeats ${flag}`);
  }
});

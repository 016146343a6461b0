// The release path (deploy/README.md, "Release"): migrations run in an init container of every app pod,
// before its code serves, under PostgreSQL's advisory lock — so the pods of one rollout starting at once
// must all succeed (proved with real processes on a fresh database); probes never depend on a shared
// dependency; every image is pinned (the app image by digest in production, a version everywhere else).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/config.ts';
import { migrationsDir } from '../../src/db/migrate.ts';
import { withDatabase } from '../../stack/scratch-db.ts';
import { render, type K8sObject } from './support/kustomize.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const K8S = `${ROOT}deploy/k8s`;
const APPS = ['motovaultpro-gateway', 'motovaultpro-legacy'];

type Probe = { httpGet?: { path: string }; periodSeconds?: number; timeoutSeconds?: number; failureThreshold?: number };
type Container = { name: string; image: string; command?: string[]; readinessProbe?: Probe; livenessProbe?: Probe; startupProbe?: Probe };
const podSpec = (objs: K8sObject[], name: string) => {
  const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  assert.ok(d, `Deployment ${name}`);
  return (d.spec as { template: { spec: { containers: Container[]; initContainers?: Container[] } } }).template.spec;
};

for (const overlay of ['dev', 'production']) {
  test(`${overlay}: every app pod migrates first (init container), and nothing else does (no Job to delete per release)`, () => {
    const objs = render(`${K8S}/${overlay}`);
    assert.deepEqual(objs.filter((o) => o.kind === 'Job').map((o) => o.metadata.name), [], 'no fixed-name Job');
    const inits = APPS.map((d) => podSpec(objs, d).initContainers ?? []);
    for (const [i, list] of inits.entries()) {
      assert.deepEqual(list.map((c) => c.name), ['migrate'], `${APPS[i]} init containers`);
      assert.equal(list[0].image, podSpec(objs, APPS[i]).containers[0].image, `${APPS[i]} migrates with its own image`);
    }
    assert.deepEqual(inits[0], inits[1], 'both Deployments migrate the same way');
  });

  test(`${overlay}: readiness and liveness never check a shared dependency; one slow readiness answer is tolerated`, () => {
    const objs = render(`${K8S}/${overlay}`);
    for (const d of APPS) {
      const c = podSpec(objs, d).containers[0];
      assert.equal(c.readinessProbe?.httpGet?.path, '/health/ready', `${d} readiness`);
      assert.equal(c.livenessProbe?.httpGet?.path, '/health/live', `${d} liveness`);
      assert.ok((c.readinessProbe?.failureThreshold ?? 3) >= 2, `${d}: a single missed readiness probe would pull the replica`);
      for (const p of [c.readinessProbe, c.livenessProbe, c.startupProbe]) assert.notEqual(p?.httpGet?.path, '/health', `${d}: /health pings PostgreSQL`);
    }
  });
}

test('HAProxy and compose check readiness, never /health (which fails with PostgreSQL on every replica at once)', () => {
  const cfg = readFileSync(`${ROOT}deploy/haproxy/haproxy.cfg`, 'utf8');
  assert.doesNotMatch(cfg, /httpchk GET \/health\s*$/m);
  const compose = readFileSync(`${ROOT}docker-compose.yml`, 'utf8');
  assert.doesNotMatch(compose, /\/health['"]/, 'a compose healthcheck uses /health');
});

test('every image is pinned: compose services and the Dockerfile by version, production by digest (a placeholder the pipeline sets)', () => {
  const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as { services: Record<string, { image?: string; build?: unknown }> };
  for (const [name, s] of Object.entries(compose.services)) {
    if (s.build) continue; // the app image, built from this repository
    assert.ok(s.image, `${name} has an image`);
    assert.match(s.image, /:(v?\d+(\.\d+)+)[\w.-]*$/, `${name}: ${s.image} is not pinned to a version`);
    assert.doesNotMatch(s.image, /^(minio\/|quay\.io\/minio\/)/, `${name}: MinIO's community images are no longer published`);
  }
  const froms = [...readFileSync(`${ROOT}Dockerfile`, 'utf8').matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
  assert.ok(froms.length >= 2);
  for (const f of froms) assert.match(f, /:\d+\.\d+\.\d+/, `Dockerfile FROM ${f} is not pinned to a version`);
  const prod = render(`${K8S}/production`);
  for (const d of APPS) {
    const spec = podSpec(prod, d);
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) assert.match(c.image, /^registry\.example\.com\/motovaultpro\/app@sha256:[0-9a-f]{64}$/);
  }
});

test('the Secret template offers FLAGS_DATABASE_URL, empty by default (the session connections then use DATABASE_URL)', () => {
  const template = parse(readFileSync(`${K8S}/secret.template.yaml`, 'utf8')) as { stringData: Record<string, string> };
  assert.equal(template.stringData.FLAGS_DATABASE_URL, '');
  const env = { DATABASE_URL: 'postgres://a@db/x', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', AUTH_JWKS_FILE: '/x' };
  assert.equal(loadConfig({ ...env, FLAGS_DATABASE_URL: '' }).FLAGS_DATABASE_URL, '');
  assert.throws(() => loadConfig({ ...env, FLAGS_DATABASE_URL: 'mysql://x' }), /FLAGS_DATABASE_URL/);
});

// What the init containers of one rollout do at once: several `node src/db/migrate.ts` processes on a fresh
// database. With node-pg-migrate's default lock mode ("fail") all but one would exit 1 and their pods would
// crash-loop; waiting for the lock, every one succeeds and each migration is applied exactly once.
test('migrations started by several pods at once all succeed, each migration applied once', { skip: !process.env.DATABASE_URL && 'DATABASE_URL not set' }, async () => {
  const base = process.env.DATABASE_URL ?? '';
  const name = `mvp_release_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  try {
    const env = { ...process.env, DATABASE_URL: withDatabase(base, name), FLAGS_DATABASE_URL: '' };
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => run(process.execPath, ['src/db/migrate.ts'], { cwd: ROOT, env })));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as { stderr?: string }).stderr ?? r.reason)] : []));
    assert.deepEqual(failed, [], 'every concurrent migration run succeeded');
    const db = new pg.Client({ connectionString: withDatabase(base, name) });
    await db.connect();
    try {
      const { rows } = await db.query<{ name: string; n: number }>('SELECT name, count(*)::int AS n FROM pgmigrations GROUP BY name');
      const files = readdirMigrations();
      assert.equal(rows.length, files.length, 'every migration applied');
      assert.ok(rows.every((r) => r.n === 1), 'none applied twice');
    } finally {
      await db.end();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
});

/** The migration files node-pg-migrate applies (one pgmigrations row each). */
function readdirMigrations(): string[] {
  return readdirSync(migrationsDir).filter((f) => /\.(sql|js|ts)$/.test(f));
}

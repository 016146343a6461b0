// The security suites' environment: test/helper.ts at the `http` level (raw sockets, smuggling, CORS) with
// its private database and Redis prefix, checked first: they claim "every route of every feature", so a
// feature that does not answer on a target fails the suite instead of being left out of it.
import { FEATURE_NAMES } from '../../../flags/registry.ts';
import { build, Client, targetList, type InProcessOptions, type Lifetime, type TestEnv } from '../../helper.ts';
import { featureServed } from './routes.ts';

export type SecurityEnv = TestEnv;

// The gateways are probed by inject from an address no test uses, so the probe spends nothing of the
// rate-limit budget of 127.0.0.1 that test/security/rate-limit.test.ts counts down.
const PROBE_ADDRESS = '192.0.2.77';

/** Closed after the file, or after `t` when given. */
export async function startSecurityEnv(label: string, opts: Omit<InProcessOptions, 'level' | 'label'> = {}, t?: Lifetime): Promise<SecurityEnv> {
  const o: InProcessOptions = { ...opts, level: 'http', label };
  const env = t ? await build(t, o) : await build(o);
  const { token } = await env.newUser();
  const apps = { 'gateway → express': env.gateways.express, 'gateway → fastify': env.gateways.fastify };
  const missing: string[] = [];
  for (const target of targetList(env)) {
    const app = apps[target.name as keyof typeof apps];
    const probe = app
      ? new Client({ inject: (req) => app.inject({ ...req, remoteAddress: PROBE_ADDRESS }) }, token)
      : new Client(target.url, token);
    for (const f of FEATURE_NAMES) if (!(await featureServed(probe, f))) missing.push(`${f} on ${target.name}`);
  }
  if (missing.length) throw new Error(`not reachable, so the security suites cannot cover it: ${missing.join(', ')}`);
  return env;
}

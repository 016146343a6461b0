// The security suites' environment: test/helper.ts at the `http` level (raw sockets, smuggling, CORS) with
// its private database and Redis prefix, checked first: they claim "every route of every feature", so a
// feature that does not answer on a target fails the suite instead of being left out of it.
import { FEATURE_NAMES } from '../../../flags/registry.ts';
import { build, Client, targetList, type InProcessOptions, type Lifetime, type TestEnv } from '../../helper.ts';
import { featureServed } from './routes.ts';

export type SecurityEnv = TestEnv;

/** Closed after the file, or after `t` when given. */
export async function startSecurityEnv(label: string, opts: Omit<InProcessOptions, 'level' | 'label'> = {}, t?: Lifetime): Promise<SecurityEnv> {
  const o: InProcessOptions = { ...opts, level: 'http', label };
  const env = t ? await build(t, o) : await build(o);
  const probe = await env.newUser();
  const missing: string[] = [];
  for (const target of targetList(env)) {
    for (const f of FEATURE_NAMES) if (!(await featureServed(new Client(target.url, probe.token), f))) missing.push(`${f} on ${target.name}`);
  }
  if (missing.length) throw new Error(`not reachable, so the security suites cannot cover it: ${missing.join(', ')}`);
  return env;
}

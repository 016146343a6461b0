// The in-process backends of test/support/harness.ts on a private database (so admin calls, flag
// overrides and row counts of these suites never meet another suite's), plus the feature probe.
import type { FeatureName } from '../../../flags/registry.ts';
import { FEATURE_NAMES } from '../../../flags/registry.ts';
import { startBackends, type StartOptions, type TestEnv } from '../../support/harness.ts';
import { createScratchDb } from '../../faults/support/scratch-db.ts';
import { featureServed } from './routes.ts';

export interface SecurityEnv extends TestEnv {
  /** Features whose routes exist (the others are still being written and are skipped). */
  served: Set<FeatureName>;
  databaseUrl: string;
}

export async function startSecurityEnv(label: string, opts: StartOptions = {}): Promise<SecurityEnv> {
  const scratch = await createScratchDb(label);
  let env: TestEnv;
  try {
    env = await startBackends({ ...opts, env: { DATABASE_URL: scratch.url, ...opts.env } });
  } catch (err) {
    await scratch.drop().catch(() => {});
    // startBackends leaves what it had started (fakes, S3, pools) running when it fails half-way, which
    // would keep this test process alive until CI's deadline: end it shortly after the failure is reported.
    setTimeout(() => {
      console.error(`[${label}] backends failed to start; exiting: ${(err as Error).message}`);
      process.exit(1);
    }, 5000).unref();
    throw err;
  }
  const probe = (await env.newUser()).client(env.targets.legacy);
  const served = new Set<FeatureName>();
  for (const f of FEATURE_NAMES) if (await featureServed(probe, f)) served.add(f);
  const close = env.close.bind(env);
  return Object.assign(env, {
    served,
    databaseUrl: scratch.url,
    async close() {
      await close();
      await scratch.drop().catch(() => {});
    },
  });
}

// The Node flags and environment the gateway runs with in production (npm start, the Dockerfile, docker-compose,
// the Kubernetes manifests: test/deploy/manifests.test.ts checks they agree); every gateway and benchmark
// floor that stack/apps.ts spawns gets them, so the two differ only by framework.
import { DEFERRED_COMPILER_FLAGS } from '../src/runtime/deferred-compilers.ts';
/**
 * Young-generation cap. 16 MB semi-spaces cost 0.68–0.87x the CPU per
 * request of 2 MB ones (fewer scavenges, fewer in-flight requests promoted); 32 and 64 MB gave no more and
 * raised peak RSS. Idle RSS no longer depends on it: the gateway compacts its heap when ready and after a
 * minute of quiet, and bounds the old generation's growth from then on (src/runtime/heap-compaction.ts).
 * Measurements in benchmarks/findings.md.
 * Then V8's Turbofan, Maglev and Sparkplug compilers off until the first request that is not a probe
 * (src/runtime/deferred-compilers.ts): idle RSS about 9 MB lower, the same CPU per request once serving.
 */
export const GATEWAY_NODE_ARGS = ['--max-semi-space-size=16', ...DEFERRED_COMPILER_FLAGS];

/**
 * glibc's malloc arenas capped at 2, as `npm start` and the Dockerfile do: V8's background threads
 * (compilers, GC) otherwise each keep an arena of freed memory. Idle RSS 2–4 MB lower, CPU per request
 * unchanged within the noise of paired runs (benchmarks/findings.md).
 */
export const GATEWAY_ENV: Record<string, string> = { MALLOC_ARENA_MAX: '2' };

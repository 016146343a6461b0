// The Node flags the benchmark's gateways and floors run with (shared by run.ts and paired.ts).
/**
 * Young-generation cap of the gateway (and of the floor, so the two differ only by framework): the same
 * flag `npm start`, the Dockerfile and docker-compose use. 16 MB semi-spaces cost 0.68–0.87x the CPU per
 * request of 2 MB ones (fewer scavenges, fewer in-flight requests promoted); 32 and 64 MB gave no more and
 * raised peak RSS. Idle RSS no longer depends on it: the gateway compacts its heap when ready and when
 * quiet (src/core/heap-compaction.ts). Measurements in benchmarks/findings.md.
 */
export const GATEWAY_NODE_ARGS = ['--max-semi-space-size=16'];

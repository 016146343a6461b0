// The Node flags the benchmark's gateways and floors run with (shared by run.ts and paired.ts).
/**
 * Young-generation cap of the gateway (and of the floor, so the two differ only by framework): the same
 * flag `npm start`, the Dockerfile and docker-compose use. Without it V8 grows the new space to 64 MB
 * under load (and keeps it), which was most of the gateway's RSS (benchmarks/findings.md).
 */
export const GATEWAY_NODE_ARGS = ['--max-semi-space-size=2'];

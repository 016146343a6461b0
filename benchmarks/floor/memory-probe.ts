// Preloaded into every benchmark server (`node --import …/memory-probe.js`) when BENCH_MEMORY_FILE is
// set: appends RSS and V8 heap figures to that file every BENCH_MEMORY_INTERVAL_MS (default 250 ms),
// one JSON line each, so the benchmark can draw each process's memory curve through and after the run.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  const every = Number(process.env.BENCH_MEMORY_INTERVAL_MS ?? 250);
  const sample = () => {
    const m = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ t: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })}\n`);
  };
  setInterval(sample, every).unref();
}

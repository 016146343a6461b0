// Memory as a curve: every server's RSS and V8 heap through the whole run (benchmarks/floor/memory-probe.ts
// writes them), the phase the run was in at each moment, and per process the figures STATUS.md shows:
// idle after start, peak, and what is left after the cool-down at the end (does the memory return?).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemorySample { t: number; rss: number; heapUsed: number; heapTotal: number; external: number }
export interface Phase { t: number; label: string }

export interface MemoryCurve {
  intervalMs: number;
  /** When each phase began (epoch ms): 'idle', '<scenario> <path>', 'cool-down', 'end'. */
  phases: Phase[];
  samples: Record<string, MemorySample[]>;
}

export interface MemorySummary {
  name: string;
  /** Last sample before the first measurement. */
  idleRss: number;
  idleHeapUsed: number;
  peakRss: number;
  peakHeapUsed: number;
  peakHeapTotal: number;
  /** Last sample of the cool-down (no load since the last measurement). */
  afterRss: number;
  afterHeapUsed: number;
  /** Share of the growth (peak − idle RSS) given back by the end of the cool-down. */
  rssReturned: number;
}

export const MEMORY_INTERVAL_MS = 250;

/** How often every server's /health is fetched while a run waits to read idle RSS (as a load balancer checks). */
export const IDLE_PROBE_SECONDS = 5;

export function memoryFile(dir: string, name: string): string {
  return join(dir, `memory-${name}.jsonl`);
}

export function readCurve(dir: string, names: string[], phases: Phase[]): MemoryCurve {
  const samples: Record<string, MemorySample[]> = {};
  for (const name of names) {
    const file = memoryFile(dir, name);
    samples[name] = existsSync(file)
      ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as MemorySample)
      : [];
  }
  return { intervalMs: MEMORY_INTERVAL_MS, phases, samples };
}

export function summariseMemory(curve: MemoryCurve): MemorySummary[] {
  const firstLoad = curve.phases.find((p) => p.label !== 'idle')?.t ?? Infinity;
  const coolDown = curve.phases.find((p) => p.label === 'cool-down')?.t ?? Infinity;
  return Object.entries(curve.samples).filter(([, s]) => s.length > 0).map(([name, s]) => {
    const idle = s.filter((x) => x.t < firstLoad).at(-1) ?? s[0];
    const after = s.filter((x) => x.t >= coolDown).at(-1) ?? s[s.length - 1];
    const peakRss = Math.max(...s.map((x) => x.rss));
    return {
      name,
      idleRss: idle.rss,
      idleHeapUsed: idle.heapUsed,
      peakRss,
      peakHeapUsed: Math.max(...s.map((x) => x.heapUsed)),
      peakHeapTotal: Math.max(...s.map((x) => x.heapTotal)),
      afterRss: after.rss,
      afterHeapUsed: after.heapUsed,
      rssReturned: peakRss > idle.rss ? Math.round(((peakRss - after.rss) / (peakRss - idle.rss)) * 100) / 100 : 1,
    };
  });
}

// A small uPlot chart of one backend's recent series: requests/s (left axis) and p99 ms (right axis).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Point } from './types.ts';
import { seconds } from './format.ts';

const HEIGHT = 120;

function toData(series: Point[]): uPlot.AlignedData {
  const xs: number[] = [];
  const rps: Array<number | null> = [];
  const p99: Array<number | null> = [];
  for (const p of series) {
    xs.push(seconds(p.t));
    rps.push(typeof p.rps === 'number' ? p.rps : null);
    p99.push(typeof p.p99 === 'number' ? p.p99 : null);
  }
  return [xs, rps, p99];
}

export function LiveChart({ series, label, color }: { series: Point[]; label: string; color: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return; // React sets the ref before effects run; nothing to draw into otherwise
    const width = () => Math.max(160, el.clientWidth);
    const u = new uPlot({
      width: width(),
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true }, rps: { auto: true }, ms: { auto: true } },
      axes: [
        { size: 24, font: '10px system-ui', stroke: '#555' },
        { scale: 'rps', size: 36, font: '10px system-ui', stroke: color },
        { scale: 'ms', side: 1, size: 40, font: '10px system-ui', stroke: '#a33', grid: { show: false } },
      ],
      series: [
        {},
        { label: 'req/s', scale: 'rps', stroke: color, width: 1.5 },
        { label: 'p99 ms', scale: 'ms', stroke: '#a33', width: 1, dash: [4, 3] },
      ],
    }, [[], [], []], el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: width(), height: HEIGHT }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [color]);

  useEffect(() => {
    plot.current?.setData(toData(series));
  }, [series]);

  return (
    <figure className="chart">
      <div ref={box} role="img" aria-label={`${label}: requests per second (solid) and p99 latency in ms (dashed), last minutes`} />
      <figcaption>{label}: req/s <span aria-hidden="true">—</span> · p99 ms <span aria-hidden="true">- -</span></figcaption>
    </figure>
  );
}

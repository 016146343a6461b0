// Number and time formatting for the console's figures (one place, so page and tests agree).
export const NA = 'not available';

export function fixed(value: number | null | undefined, digits = 1): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : NA;
}

/** A rate in 0..1 shown as a percentage. */
export function percentOf(rate: number | null | undefined, digits = 2): string {
  return typeof rate === 'number' && Number.isFinite(rate) ? `${(rate * 100).toFixed(digits)} %` : NA;
}

export function ms(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(1)} ms` : NA;
}

export function count(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : NA;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, { hour12: false });
}

export function figure(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Series timestamps may come as seconds, milliseconds or ISO strings; uPlot wants seconds. */
export function seconds(t: number | string): number {
  if (typeof t === 'string') return Date.parse(t) / 1000;
  return t > 1e11 ? t / 1000 : t;
}

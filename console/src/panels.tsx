// Read-only panels of a feature card: live side-by-side, shadow results, guard, ramp progress.
import type { FeatureView, LiveView, ShadowExample, ShadowResult, Stats, Window } from './types.ts';
import type { Slot } from './Dashboard.tsx';
import { NA, count, figure, fixed, ms, percentOf, when } from './format.ts';
import { LiveChart } from './LiveChart.tsx';
import { contractFields, examplesOf, topFields } from './shadow.ts';

const BACKENDS = ['express', 'fastify'] as const;
const COLORS = { express: '#2b6cb0', fastify: '#2f855a' } as const;

function Unavailable({ what, slot }: { what: string; slot: Slot<unknown> }) {
  if (slot.kind === 'loading') return <p className="muted">{what}: loading…</p>;
  if (slot.kind === 'unavailable') return <p className="muted" data-na>{what}: {slot.message}</p>;
  if (slot.kind === 'error') return <p role="alert" className="error">{what}: {slot.message}</p>;
  return null;
}

const ROWS: Array<{ label: string; key: keyof Stats; show: (s: Stats | undefined) => string }> = [
  { label: 'requests/s', key: 'rps', show: (s) => fixed(s?.rps, 2) },
  { label: '5xx %', key: 'errorRate', show: (s) => percentOf(s?.errorRate) },
  { label: 'p50', key: 'p50', show: (s) => ms(s?.p50) },
  { label: 'p99', key: 'p99', show: (s) => ms(s?.p99) },
  { label: 'requests', key: 'requests', show: (s) => count(s?.requests) },
];

export function LivePanel({ feature, live }: { feature: string; live: Slot<LiveView> }) {
  if (live.kind !== 'ok') return <Unavailable what="Live figures" slot={live} />;
  const f = live.data.features?.[feature];
  if (!f) return <p className="muted" data-na>Live figures: {NA} for {feature}</p>;
  const win = (b: (typeof BACKENDS)[number]): Window | undefined => f[b];
  return (
    <>
      <div className="table-wrap">
        <table className="live">
          <caption className="sr-only">Live figures for {feature}, per backend, over 1 and 5 minutes</caption>
          <thead>
            <tr><td /><th scope="colgroup" colSpan={2}>express</th><th scope="colgroup" colSpan={2}>fastify</th></tr>
            <tr><td />{BACKENDS.map((b) => ['1m', '5m'].map((w) => <th scope="col" key={b + w}>{w === '1m' ? '1 min' : '5 min'}</th>))}</tr>
          </thead>
          <tbody>
            {ROWS.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                {BACKENDS.map((b) => (['1m', '5m'] as const).map((w) => (
                  <td key={b + w} data-testid={`${feature}-${b}-${w}-${r.key}`}>{r.show(win(b)?.[w])}</td>
                )))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="charts">
        {BACKENDS.map((b) => {
          const series = win(b)?.series;
          return series ? <LiveChart key={b} series={series} label={`${feature} on ${b}`} color={COLORS[b]} /> : <p key={b} className="muted">{b} chart: {NA}</p>;
        })}
      </div>
    </>
  );
}

function Example({ ex }: { ex: ShadowExample }) {
  const fields = Array.isArray(ex.fields) ? (ex.fields as Array<Record<string, unknown>>) : null;
  const status = ex.status as { express?: unknown; native?: unknown } | undefined;
  if (!fields || typeof ex.route !== 'string') return <pre>{JSON.stringify(ex, null, 2)}</pre>;
  return (
    <div className="example">
      <p><code>{String(ex.method ?? '')} {ex.route}{ex.query ? `?${String(ex.query)}` : ''}</code>
        {status ? ` · status express ${figure(status.express)}, native ${figure(status.native)}` : ''}
        {ex.error ? ` · error ${String(ex.error)}` : ''}{typeof ex.at === 'number' ? ` · ${when(new Date(ex.at).toISOString())}` : ''}</p>
      <ul>
        {fields.map((f) => (
          <li key={String(f.path)}><code>{String(f.path)}</code>{f.verdict ? ` (${String(f.verdict)})` : ''}: express <code>{String(f.express)}</code> · native <code>{String(f.native)}</code></li>
        ))}
      </ul>
    </div>
  );
}

export function ShadowPanel({ feature, shadow }: { feature: string; shadow: Slot<Record<string, ShadowResult>> }) {
  if (shadow.kind !== 'ok') return <Unavailable what="Shadow results" slot={shadow} />;
  const r = shadow.data[feature];
  if (!r) return <p className="muted" data-na>Shadow results: none for {feature}</p>;
  const fields = topFields(r);
  const examples = examplesOf(r).slice(0, 3);
  const extra = (['noisy', 'skipped', 'errored'] as const).filter((k) => typeof r[k] === 'number');
  return (
    <div className="shadow">
      <dl className="facts">
        <div><dt>compared</dt><dd data-testid={`${feature}-shadow-compared`}>{count(r.compared)}</dd></div>
        <div><dt>matched</dt><dd data-testid={`${feature}-shadow-matched`}>{count(r.matched)}</dd></div>
        <div><dt>mismatched</dt><dd data-testid={`${feature}-shadow-mismatched`}>{count(r.mismatched)}</dd></div>
        <div><dt>mismatch rate</dt><dd data-testid={`${feature}-shadow-rate`}>{percentOf(r.mismatchRate)}</dd></div>
        {extra.map((k) => <div key={k}><dt>{k}</dt><dd>{count(r[k] as number)}</dd></div>)}
      </dl>
      {(r.contractViolations ?? 0) > 0 && (
        <p data-testid={`${feature}-shadow-contract`}><strong>Express broke the contract</strong> in {count(r.contractViolations)} of {count(r.contractChecked)} answers (a legacy bug, not a mismatch): {contractFields(r).map((f) => `${f.path} ${f.message} (${f.answers})`).join(', ')}</p>
      )}
      <p><strong>Top differing fields:</strong> {fields.length ? fields.map((f) => `${f.field}${f.count === undefined ? '' : ` (${f.count})`}${f.verdict ? ` ${f.verdict}` : ''}`).join(', ') : 'none'}</p>
      {examples.length > 0 && (
        <details>
          <summary>Examples ({examples.length})</summary>
          {examples.map((ex, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: examples have no id; the list is a read-only snapshot replaced whole on each poll, never reordered, and holds no state
            <Example key={i} ex={ex} />
          ))}
        </details>
      )}
    </div>
  );
}

/** What each guard state means (as `make status` explains it). */
const GUARD_MEANING: Record<string, string> = {
  idle: 'not in canary: nothing to judge',
  collecting: 'fewer verified native requests than the minimum sample: no verdict yet',
  healthy: 'native within the bars',
  'rolled-back': 'the guard rolled this side back to express (kept until the next change)',
  stale: 'in canary but no fresh verdict: no leader is deciding',
};

export function GuardPanel({ view }: { view: FeatureView }) {
  const g = view.guard;
  if (!g) return <p className="muted" data-na>Guard: {NA}</p>;
  const d = g.lastDecision;
  const w = view.guards?.writes;
  return (
    <div>
      <p>Reads: <strong data-testid={`${view.feature}-guard-state`}>{g.state ?? NA}</strong>{g.state && GUARD_MEANING[g.state] ? ` (${GUARD_MEANING[g.state]})` : ''}{g.decidedAt ? ` · checked ${when(g.decidedAt)}` : ''}</p>
      {w && <p>Writes: <strong data-testid={`${view.feature}-guard-writes-state`}>{w.state ?? NA}</strong>{w.state && GUARD_MEANING[w.state] ? ` (${GUARD_MEANING[w.state]})` : ''}{w.decidedAt ? ` · checked ${when(w.decidedAt)}` : ''}</p>}
      {g.figures && (
        <dl className="facts" aria-label={`Current guard figures for ${view.feature}`}>
          {Object.entries(g.figures).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{figure(v)}</dd></div>)}
        </dl>
      )}
      {d ? (
        <>
          <p>Last decision: <strong>{d.verdict ?? NA}</strong> at {when(d.at)}</p>
          {d.figures && (
            <dl className="facts" aria-label={`Figures of the last guard decision for ${view.feature}`}>
              {Object.entries(d.figures).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{figure(v)}</dd></div>)}
            </dl>
          )}
        </>
      ) : <p>Last decision: none yet</p>}
    </div>
  );
}

export function RampPanel({ view }: { view: FeatureView }) {
  const r = view.ramp;
  if (r === undefined) return <p className="muted" data-na>Ramp: {NA}</p>;
  if (r === null || !r.steps?.length) return <p>Ramp: {r?.state ?? 'none'}</p>;
  const idx = r.stepIndex ?? 0;
  return (
    <div>
      <p>
        Ramp{r.ops ? ` of ${r.ops.join(' and ')}` : ''} <strong data-testid={`${view.feature}-ramp-state`}>{r.state ?? NA}</strong>: step {idx + 1} of {r.steps.length}
        {' '}({r.steps.map((s, i) => (i === idx ? `[${s}%]` : `${s}%`)).join(' → ')})
      </p>
      <progress max={r.steps.length} value={idx + 1} aria-label={`Ramp progress for ${view.feature}`} />
      <p className="muted">
        Step started {when(r.stepStartedAt)}
        {r.dwellSeconds !== undefined ? ` · dwell ${r.dwellSeconds} s` : ''}
        {r.minRequests !== undefined ? ` · min ${r.minRequests} requests` : ''}
        {r.startedBy ? ` · started by ${r.startedBy}` : ''}
      </p>
    </div>
  );
}

// One feature: where each side (reads, writes) stands, live side-by-side, shadow, guard per side, ramp, and
// its controls (each change applies to the sides chosen in "Applies to").
import { useEffect, useState, type FormEvent } from 'react';
import type { FeatureView, LiveView, Ops, ShadowResult, SideView, Stage } from './types.ts';
import { OPS, STAGES } from './types.ts';
import type { RunError, Slot } from './Dashboard.tsx';
import { clearOverride, rampControl, resetShadow, setStage, startRamp, type StageChange } from './actions.ts';
import { NA, when } from './format.ts';
import { GuardPanel, LivePanel, RampPanel, ShadowPanel } from './panels.tsx';

interface Props {
  token: string;
  view: FeatureView;
  live: Slot<LiveView>;
  shadow: Slot<Record<string, ShadowResult>>;
  run: (label: string, call: () => Promise<unknown>) => Promise<RunError | null>;
}

/** The stage a view is in (the reads side, which leads); a view without stages only has a backend. */
export function stageOf(v: FeatureView): Stage {
  return v.stage ?? (v.backend === 'fastify' ? 'fastify' : 'express');
}

const sideText = (s: SideView | null | undefined) => (!s ? NA : s.stage === 'canary' ? `canary ${s.percent}%` : s.stage);

/** One text when the writes are where the reads put them (equal, or on express beside a shadow); else both. */
export function summaryOf(v: FeatureView): string {
  const reads = v.reads ?? (v.stage ? { stage: v.stage, percent: v.percent ?? 0 } : undefined);
  const w = v.writes;
  const together = !w || (w.stage === reads?.stage && w.percent === reads.percent) || (reads?.stage === 'shadow' && w.stage === 'express');
  return together ? sideText(reads) : `reads ${sideText(reads)} · writes ${sideText(w)}`;
}

function parseSteps(text: string): number[] | undefined {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  return parts.length ? parts.map(Number) : undefined;
}

export function FeatureCard({ token, view, live, shadow, run }: Props) {
  const f = view.feature;
  const id = `f-${f}`;
  const current = stageOf(view);
  const [stage, setStageValue] = useState<Stage>(current);
  const [percent, setPercent] = useState(String(view.stage === 'canary' && view.percent !== undefined ? view.percent : 25));
  const [shadowRate, setShadowRate] = useState(String(view.shadowRate ?? 100));
  const [reason, setReason] = useState('');
  const [steps, setSteps] = useState('5, 25, 50, 100');
  const [dwell, setDwell] = useState('');
  const [minRequests, setMinRequests] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [ops, setOps] = useState<Ops>('both');
  /** The last change the shadow gate refused (409): it can be repeated with force, audited as forced. */
  const [forceable, setForceable] = useState<{ change: StageChange; label: string } | null>(null);
  const [busy, setBusy] = useState(false);

  // The form follows the server's state when someone else (or the guard) changes it.
  useEffect(() => { setStageValue(current); }, [current]);
  useEffect(() => { if (view.stage === 'canary' && view.percent !== undefined) setPercent(String(view.percent)); }, [view.stage, view.percent]);

  // Buttons stay focusable while a call runs (aria-disabled, not disabled): keyboard focus is not lost.
  const act = async (label: string, call: () => Promise<unknown>) => {
    if (busy) return null;
    setBusy(true);
    setError(null);
    const err = await run(`${f}: ${label}`, call);
    setError(err?.text ?? null);
    setBusy(false);
    return err;
  };

  const change = async (c: StageChange, label: string) => {
    const err = await act(label, () => setStage(token, f, { ...c, reason: reason.trim() || undefined }));
    setForceable(!c.force && err?.status === 409 && (c.stage === 'canary' || c.stage === 'fastify') ? { change: c, label } : null);
    return err;
  };

  const onSides = ops === 'both' ? '' : ` (${ops})`;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const label = `${stage === 'canary' ? `stage canary ${percent}%` : `stage ${stage}`}${onSides}`;
    change({ stage, ops, percent: Number(percent), shadowRate: Number(shadowRate) }, label);
  };

  const rampStart = () => act(`start ramp${onSides}`, () => startRamp(token, f, {
    steps: parseSteps(steps),
    dwellSeconds: dwell ? Number(dwell) : undefined,
    minRequests: minRequests ? Number(minRequests) : undefined,
    ops,
  }));

  const summary = summaryOf(view);

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-feature={f}>
      <h2 id={`${id}-title`}>{f}</h2>
      <p className={`badge stage-${current}`} data-testid={`${f}-summary`}>{summary}</p>

      <dl className="facts">
        <div><dt>stage</dt><dd data-testid={`${f}-stage`}>{view.stage ?? `${NA} (backend ${view.backend ?? NA})`}</dd></div>
        <div><dt>percent</dt><dd data-testid={`${f}-percent`}>{view.percent ?? NA}</dd></div>
        <div><dt>reads (GET, HEAD)</dt><dd data-testid={`${f}-reads`}>{sideText(view.reads)}</dd></div>
        <div><dt>writes</dt><dd data-testid={`${f}-writes`}>{sideText(view.writes)}</dd></div>
        <div><dt>backend</dt><dd data-testid={`${f}-backend`}>{view.backend ?? NA}</dd></div>
        <div><dt>native capsule</dt><dd>{view.native === undefined ? NA : view.native ? 'yes' : 'no'}</dd></div>
        <div><dt>source</dt><dd data-testid={`${f}-source`}>{view.source ?? NA}{view.envStage ? ` (env: ${view.envStage})` : ''}</dd></div>
        <div><dt>changed by</dt><dd data-testid={`${f}-changed-by`}>{view.changedBy ?? '—'}</dd></div>
        <div><dt>changed at</dt><dd>{when(view.changedAt)}</dd></div>
        <div><dt>why</dt><dd data-testid={`${f}-reason`}>{view.reason ?? (view.stage === undefined ? NA : '—')}</dd></div>
      </dl>

      <h3>Live, per backend</h3>
      <LivePanel feature={f} live={live} />
      <h3>Shadow</h3>
      <ShadowPanel feature={f} shadow={shadow} />
      <h3>Guard</h3>
      <GuardPanel view={view} />
      <h3>Ramp</h3>
      <RampPanel view={view} />

      <h3>Controls</h3>
      <form className="controls" onSubmit={apply} noValidate>
        <div className="field">
          <label htmlFor={`${id}-fld-stage`}>Stage <span className="sr-only">of {f}</span></label>
          <select id={`${id}-fld-stage`} value={stage} onChange={(e) => setStageValue(STAGES.find((s) => s === e.target.value) ?? current)}>
            {STAGES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-fld-ops`}>Applies to <span className="sr-only">changes of {f}</span></label>
          <select id={`${id}-fld-ops`} value={ops} onChange={(e) => setOps(OPS.find((o) => o === e.target.value) ?? 'both')}>
            {OPS.map((o) => <option key={o} value={o}>{o === 'both' ? 'reads and writes' : o === 'reads' ? 'reads (GET, HEAD)' : 'writes'}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-fld-percent`}>Percent <span className="sr-only">of {f}</span></label>
          <input id={`${id}-fld-percent`} type="number" min={0} max={100} step={1} inputMode="numeric" value={percent} onChange={(e) => setPercent(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-fld-shadow-rate`}>Shadow rate % <span className="sr-only">of {f}</span></label>
          <input id={`${id}-fld-shadow-rate`} type="number" min={0} max={100} step={1} inputMode="numeric" value={shadowRate} onChange={(e) => setShadowRate(e.target.value)} />
        </div>
        <div className="field wide">
          <label htmlFor={`${id}-fld-reason`}>Reason <span className="sr-only">for changing {f}</span></label>
          <input id={`${id}-fld-reason`} type="text" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} placeholder="optional" />
        </div>
        <button type="submit" aria-disabled={busy} aria-label={`Apply stage to ${f}`}>Apply stage</button>
      </form>

      <fieldset className="row" aria-label={`Shortcuts for ${f}`}>
        <button type="button" aria-disabled={busy} aria-label={`Start shadow for ${f}`} onClick={() => change({ stage: 'shadow', ops: 'reads', shadowRate: Number(shadowRate) }, 'start shadow')}>Start shadow</button>
        <button type="button" aria-disabled={busy} aria-label={`Stop shadow for ${f}`} onClick={() => change({ stage: 'express' }, 'stop shadow')}>Stop shadow</button>
        <button type="button" aria-disabled={busy} aria-label={`Promote ${f} to fastify`} onClick={() => change({ stage: 'fastify', ops }, `promote to fastify${onSides}`)}>Promote</button>
        {forceable && (
          <button type="button" aria-disabled={busy} className="danger"
            aria-label={forceable.change.stage === 'fastify' ? `Promote ${f} anyway (force)` : `Apply ${forceable.label} to ${f} anyway (force)`}
            onClick={() => change({ ...forceable.change, force: true }, `${forceable.label} (forced)`)}>
            {forceable.change.stage === 'fastify' ? 'Promote anyway (force)' : `${forceable.label} anyway (force)`}
          </button>
        )}
        <button type="button" aria-disabled={busy} className="danger" aria-label={`Roll back ${f}`} onClick={() => change({ stage: 'express', ops }, `roll back to express${onSides}`)}>Roll back</button>
        <button type="button" aria-disabled={busy} aria-label={`Reset ${f} to env default`} onClick={() => act('reset to env default', () => clearOverride(token, f))}>Reset to env</button>
        <button type="button" aria-disabled={busy} aria-label={`Reset shadow results of ${f}`} onClick={() => act('reset shadow results', () => resetShadow(token, f))}>Reset shadow results</button>
      </fieldset>

      <fieldset className="controls">
        <legend>Ramp</legend>
        <div className="field wide">
          <label htmlFor={`${id}-fld-steps`}>Steps % <span className="sr-only">of the {f} ramp</span></label>
          <input id={`${id}-fld-steps`} type="text" value={steps} onChange={(e) => setSteps(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-fld-dwell-s`}>Dwell s <span className="sr-only">per {f} ramp step</span></label>
          <input id={`${id}-fld-dwell-s`} type="number" min={1} inputMode="numeric" value={dwell} placeholder="server default" onChange={(e) => setDwell(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-fld-min-requests`}>Min requests <span className="sr-only">per {f} ramp step</span></label>
          <input id={`${id}-fld-min-requests`} type="number" min={0} inputMode="numeric" value={minRequests} placeholder="server default" onChange={(e) => setMinRequests(e.target.value)} />
        </div>
        <div className="row">
          <button type="button" aria-disabled={busy} aria-label={`Start ramp for ${f}`} onClick={rampStart}>Start ramp</button>
          <button type="button" aria-disabled={busy} aria-label={`Pause ramp for ${f}`} onClick={() => act('pause ramp', () => rampControl(token, f, 'pause'))}>Pause ramp</button>
          <button type="button" aria-disabled={busy} aria-label={`Resume ramp for ${f}`} onClick={() => act('resume ramp', () => rampControl(token, f, 'resume'))}>Resume ramp</button>
          <button type="button" aria-disabled={busy} aria-label={`Abort ramp for ${f}`} onClick={() => act('abort ramp', () => rampControl(token, f, 'abort'))}>Abort ramp</button>
        </div>
      </fieldset>

      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}

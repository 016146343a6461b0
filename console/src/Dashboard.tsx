// The signed-in page: polls flags, live windows and shadow results every 2 s and lays out one card per
// feature, the global rollback and the audit trail. 401 → back to sign-in; 403 → a message and no data.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, request, tokenSub } from './api.ts';
import { rollbackAll } from './actions.ts';
import type { FlagsView, LiveView, ShadowResult } from './types.ts';
import { FeatureCard } from './FeatureCard.tsx';
import { Audit } from './Audit.tsx';
import { shadowByFeature } from './shadow.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

export const POLL_MS = 2000;
/** An endpoint that answered 404 is asked again this rarely (it may appear after a deploy). */
const UNAVAILABLE_RETRY_MS = 30_000;

export type Slot<T> =
  | { kind: 'loading' }
  | { kind: 'ok'; data: T }
  | { kind: 'unavailable'; message: string }
  | { kind: 'error'; message: string };

/** A failed control: words for the alert, and the HTTP status (0 when none). */
export interface RunError { text: string; status: number }

type ShadowAll = Record<string, ShadowResult>;

function useOptional<T>(token: string, path: string, map: (b: unknown) => T) {
  const [slot, setSlot] = useState<Slot<T>>({ kind: 'loading' });
  const retryAt = useRef(0);
  const load = useCallback(async () => {
    if (Date.now() < retryAt.current) return;
    try {
      setSlot({ kind: 'ok', data: map(await request<unknown>(token, 'GET', path)) });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'NETWORK', String(err), path);
      if (e.notAvailable) {
        retryAt.current = Date.now() + UNAVAILABLE_RETRY_MS;
        setSlot({ kind: 'unavailable', message: `not available (${path} answered 404)` });
      } else {
        setSlot({ kind: 'error', message: e.describe() });
      }
    }
  }, [token, path, map]);
  return [slot, load] as const;
}

const liveMap = (b: unknown) => b as LiveView;

export function Dashboard({ token, onSignOut }: { token: string; onSignOut: (why?: string) => void }) {
  const [flags, setFlags] = useState<FlagsView | null>(null);
  const [forbidden, setForbidden] = useState(false);
  const [pollError, setPollError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [live, loadLive] = useOptional<LiveView>(token, '/admin/live', liveMap);
  const [shadow, loadShadow] = useOptional<ShadowAll>(token, '/admin/shadow', shadowByFeature);
  const [confirming, setConfirming] = useState(false);
  const [globalError, setGlobalError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const inFlight = useRef(false);

  const refresh = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      try {
        setFlags(await request<FlagsView>(token, 'GET', '/admin/flags'));
        setPollError(null);
        setUpdatedAt(new Date());
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return onSignOut(err.describe());
        if (err instanceof ApiError && err.status === 403) {
          setForbidden(true);
          setFlags(null);
          return;
        }
        setPollError(err instanceof ApiError ? err.describe() : String(err));
        return;
      }
      await Promise.all([loadLive(), loadShadow()]);
    } finally {
      inFlight.current = false;
    }
  }, [token, onSignOut, loadLive, loadShadow]);

  useEffect(() => {
    if (forbidden) return;
    refresh();
    const id = setInterval(refresh, POLL_MS);
    return () => clearInterval(id);
  }, [refresh, forbidden]);

  const sub = tokenSub(token);

  /** Runs a control; success refreshes and announces, failure returns words for the caller's alert. */
  const run = useCallback(async (label: string, call: () => Promise<unknown>): Promise<RunError | null> => {
    try {
      await call();
      setStatus(`${label}: done at ${new Date().toLocaleTimeString(undefined, { hour12: false })}`);
      inFlight.current = false;
      await refresh();
      return null;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        onSignOut(err.describe());
        return null;
      }
      return { text: `${label} failed: ${err instanceof ApiError ? err.describe() : String(err)}`, status: err instanceof ApiError ? err.status : 0 };
    }
  }, [refresh, onSignOut]);

  const header = (
    <header className="top">
      <h1>Migration console</h1>
      <p className="who">
        Signed in{sub ? <> as <strong>{sub}</strong></> : null}{' '}
        <button type="button" className="link" onClick={() => onSignOut()}>Sign out</button>
      </p>
    </header>
  );

  if (forbidden) {
    return (
      <main>
        {header}
        <p role="alert" className="error">This token lacks admin:flags: it may not see or steer the migration. Sign in with an admin token.</p>
      </main>
    );
  }

  const doRollbackAll = async () => {
    setConfirming(false);
    setGlobalError((await run('Roll back everything', () => rollbackAll(token)))?.text ?? null);
  };

  return (
    <main>
      {header}
      <section className="global" aria-label="Whole migration">
        <p className="updated" aria-live="off">
          {updatedAt ? `Updated ${updatedAt.toLocaleTimeString(undefined, { hour12: false })} · refreshed every ${POLL_MS / 1000} s` : 'Loading…'}
          {live.kind === 'ok' && live.data.shared === true && ' · live figures from every gateway instance'}
          {live.kind === 'ok' && live.data.shared === false && ' · live figures from this instance only (shared window unavailable)'}
        </p>
        <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={!flags}>Roll back everything</button>
        {globalError && <p role="alert" className="error">{globalError}</p>}
        {pollError && <p role="alert" className="error">Refresh failed: {pollError}</p>}
        <p role="status" className="status">{status}</p>
      </section>
      <ConfirmDialog
        open={confirming}
        title="Roll back everything?"
        body="Every feature goes back to the legacy Express app now, on every gateway instance. Ramps stop; the change is recorded with your sub."
        confirmLabel="Yes, roll back everything"
        onConfirm={doRollbackAll}
        onCancel={() => setConfirming(false)}
      />
      {flags && (
        <div className="features">
          {Object.values(flags.features).map((f) => (
            <FeatureCard key={f.feature} token={token} view={f} live={live} shadow={shadow} run={run} />
          ))}
        </div>
      )}
      {flags && <Audit entries={flags.audit} />}
    </main>
  );
}

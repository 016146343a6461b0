// The audit trail: the last 50 changes, newest first, as the admin API reports them.
import type { AuditEntry } from './types.ts';
import { figure, when } from './format.ts';

function describe(e: AuditEntry): string {
  const pct = (p: number | null | undefined) => (typeof p === 'number' ? ` ${p}%` : '');
  const from = e.from ?? '—';
  const to = e.to ?? '—';
  return `${from}${pct(e.fromPercent)} → ${to}${pct(e.toPercent)}`;
}

export function Audit({ entries }: { entries: AuditEntry[] }) {
  const last = entries.slice(0, 50);
  return (
    <section className="audit" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail (last {last.length})</h2>
      {last.length === 0 ? (
        <p>No changes recorded yet.</p>
      ) : (
        <ol>
          {last.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: audit entries have no id and two may share a timestamp; the list is a read-only snapshot replaced whole on each poll and holds no state
            <li key={`${e.changedAt}-${i}`} data-testid="audit-entry">
              <time dateTime={e.changedAt}>{when(e.changedAt)}</time>{' '}
              <strong>{e.feature}</strong> {e.action}: {describe(e)}
              {e.reason ? <> · reason <em>{e.reason}</em></> : null} · by <span className="sub">{e.changedBy}</span>
              {e.details != null && typeof e.details === 'object' && Object.keys(e.details).length > 0 ? (
                <span className="details"> · {Object.entries(e.details as Record<string, unknown>).map(([k, v]) => `${k} ${figure(v)}`).join(', ')}</span>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

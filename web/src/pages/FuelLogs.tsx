// Fuel logs of one vehicle: the stats card, the list with mpg, and add / edit / delete.
import { useState, type FormEvent } from 'react';
import { api } from '../lib/client.ts';
import { describeError, type UserError } from '../lib/errors.ts';
import { query } from '../lib/api.ts';
import { changedFields, valuesFrom, type FieldSpec } from '../lib/forms.ts';
import { useForm, useLoad, type Form } from '../lib/hooks.ts';
import * as fmt from '../lib/format.ts';
import type { FuelLog, FuelStats, Page, SavedStation, Vehicle } from '../lib/types.ts';
import { CheckboxField, ErrorPanel, RowActions, Field, FormError, Loading, SelectField } from '../components/ui.tsx';
// The server's own rule for a total that is not sent, so the form shows exactly what will be saved.
import { defaultTotalCost } from '../../../fastify-features/fuel-logs/domain/decimal.ts';

const SPECS: Record<string, FieldSpec> = {
  date: { type: 'date', required: true },
  odometer: { type: 'int', required: true },
  gallons: { type: 'decimal', required: true },
  pricePerGallon: { type: 'decimal', required: true },
  totalCost: { type: 'decimal' },
  fullTank: { type: 'bool' },
  stationPlaceId: { type: 'text' },
  notes: { type: 'text' },
};
const EDIT_SPECS: Record<string, FieldSpec> = { ...SPECS, stationPlaceId: { type: 'text', empty: 'null' }, notes: { type: 'text', empty: 'null' } };

export function FuelLogsPanel({ vehicle, onVehicleStale }: { vehicle: Vehicle; onVehicleStale: () => void }) {
  const [version, setVersion] = useState(0);
  const key = `${vehicle.id}:${version}`;
  const logs = useLoad(() => api.get<Page<FuelLog>>(`/api/fuel-logs${query({ vehicleId: vehicle.id, limit: 200 })}`), key, 'These fuel logs');
  const stats = useLoad(() => api.get<FuelStats>(`/api/fuel-logs/stats${query({ vehicleId: vehicle.id })}`), key, 'These statistics');
  const saved = useLoad(() => api.get<{ items: SavedStation[] }>('/api/stations/saved').catch(() => ({ items: [] })), 'saved', 'Saved stations');
  const changed = () => { setVersion((n) => n + 1); onVehicleStale(); };
  const stations = saved.data?.items ?? [];

  return (
    <>
      <StatsCard stats={stats.data} error={stats.error} onRetry={stats.reload} />
      <section className="card" aria-labelledby="logs-title">
        <h2 id="logs-title">Fuel logs</h2>
        {logs.error ? <ErrorPanel error={logs.error} onRetry={logs.reload} /> : null}
        {logs.loading && !logs.data ? <Loading label="Loading fuel logs…" /> : null}
        {logs.data && logs.data.items.length === 0 ? <p className="empty">No fuel logs yet.</p> : null}
        {logs.data && logs.data.items.length > 0 ? (
          <ul className="entries" aria-label="Fuel logs">
            {logs.data.items.map((l) => <FuelLogItem key={l.id} log={l} stations={stations} onChanged={changed} />)}
          </ul>
        ) : null}
      </section>
      <AddFuelLog vehicle={vehicle} stations={stations} onAdded={changed} />
    </>
  );
}

function StatsCard({ stats, error, onRetry }: { stats: FuelStats | undefined; error: UserError | undefined; onRetry: () => void }) {
  return (
    <section className="card stats" aria-labelledby="stats-title">
      <h2 id="stats-title">Fuel statistics</h2>
      {error ? <ErrorPanel error={error} onRetry={onRetry} /> : null}
      {!stats && !error ? <Loading label="Loading statistics…" /> : null}
      {stats ? (
        <dl className="facts stat-grid">
          <div><dt>Average mpg</dt><dd>{fmt.mpg(stats.averageMpg)}</dd></div>
          <div><dt>Fuel logs</dt><dd>{fmt.number(stats.logCount)}</dd></div>
          <div><dt>Total fuel</dt><dd>{fmt.gallons(stats.totalGallons)}</dd></div>
          <div><dt>Total cost</dt><dd>{fmt.money(stats.totalCost)}</dd></div>
          <div><dt>Distance</dt><dd>{fmt.miles(stats.distance)}</dd></div>
          <div><dt>Cost per mile</dt><dd>{stats.costPerMile === null ? '—' : `$${fmt.number(stats.costPerMile, 3)}`}</dd></div>
          <div><dt>Last fuel log</dt><dd>{fmt.date(stats.lastFillUpDate)}</dd></div>
        </dl>
      ) : null}
    </section>
  );
}

function stationOptions(stations: SavedStation[], current?: string | null) {
  const opts = [{ value: '', label: 'None' }, ...stations.map((s) => ({ value: s.placeId, label: s.nickname ? `${s.nickname} (${s.name})` : s.name }))];
  if (current && !stations.some((s) => s.placeId === current)) opts.push({ value: current, label: 'A station no longer saved' });
  return opts;
}

/** The total the API stores for these inputs when none is sent; undefined until both are numbers. */
function computedTotal(gallons: unknown, pricePerGallon: unknown): string | undefined {
  const [g, p] = [String(gallons).trim(), String(pricePerGallon).trim()];
  if (g === '' || p === '' || !(Number(g) >= 0) || !(Number(p) >= 0)) return undefined;
  return String(defaultTotalCost(Number(g), Number(p)));
}

function FuelLogFields({ form, stations, current }: { form: Form; stations: SavedStation[]; current?: string | null }) {
  const computed = computedTotal(form.values.gallons, form.values.pricePerGallon);
  return (
    <>
      <div className="grid2">
        <Field form={form} name="date" label="Date" type="date" required />
        <Field form={form} name="odometer" label="Odometer (miles)" type="number" inputMode="numeric" required />
        <Field form={form} name="gallons" label="Gallons" type="number" required />
        <Field form={form} name="pricePerGallon" label="Price per gallon" type="number" required />
        <Field form={form} name="totalCost" label="Total cost" type="number" placeholder={computed}
          hint={computed === undefined ? 'Leave empty to compute it' : `Leave empty to save ${fmt.money(Number(computed))} (gallons × price)`} />
        <SelectField form={form} name="stationPlaceId" label="Station" options={stationOptions(stations, current)} />
      </div>
      <CheckboxField form={form} name="fullTank" label="Full tank" />
      <Field form={form} name="notes" label="Notes" type="textarea" maxLength={500} />
    </>
  );
}

function AddFuelLog({ vehicle, stations, onAdded }: { vehicle: Vehicle; stations: SavedStation[]; onAdded: () => void }) {
  const initial = { date: fmt.today(), odometer: '', gallons: '', pricePerGallon: '', totalCost: '', fullTank: true, stationPlaceId: '', notes: '' };
  const form = useForm(SPECS, initial);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await form.submit(async (body) => {
      await api.send<FuelLog>('POST', '/api/fuel-logs', { vehicleId: vehicle.id, ...body });
    }, 'This vehicle');
    if (ok) {
      form.reset({ ...initial, fullTank: form.values.fullTank });
      onAdded();
    }
  };
  return (
    <section className="card" aria-labelledby="add-log-title">
      <h2 id="add-log-title">Add a fuel log</h2>
      <form onSubmit={submit} aria-label="Add fuel log" noValidate>
        <FuelLogFields form={form} stations={stations} />
        <FormError form={form} fields={Object.keys(SPECS)} />
        <button type="submit" disabled={form.submitting}>{form.submitting ? 'Adding…' : 'Add fuel log'}</button>
      </form>
    </section>
  );
}

function FuelLogItem({ log: l, stations, onChanged }: { log: FuelLog; stations: SavedStation[]; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<UserError | undefined>();
  const label = `fuel log of ${fmt.date(l.date)} at ${fmt.miles(l.odometer)}`;
  const station = l.stationPlaceId ? stations.find((s) => s.placeId === l.stationPlaceId) : undefined;
  if (editing) {
    return <li className="entry"><EditFuelLog log={l} stations={stations} onDone={(changed) => { setEditing(false); if (changed) onChanged(); }} /></li>;
  }
  const remove = async () => {
    try {
      await api.del(`/api/fuel-logs/${l.id}`);
      onChanged();
    } catch (err) {
      setError(describeError(err, 'This fuel log'));
    }
  };
  return (
    <li className="entry" aria-label={`Fuel log ${fmt.date(l.date)}`}>
      <div className="entry-head">
        <strong>{fmt.date(l.date)}</strong>
        <span className="muted">{fmt.miles(l.odometer)}</span>
        {/* Only a real figure is the green headline; without one, say why in muted text. */}
        {l.mpg === null ? <span className="mpg-none">{l.fullTank ? 'no mpg yet' : 'partial fill'}</span> : <span className="mpg">{fmt.mpg(l.mpg)}</span>}
      </div>
      <dl className="facts inline">
        <div><dt>Gallons</dt><dd>{fmt.gallons(l.gallons)}</dd></div>
        <div><dt>Price</dt><dd>{fmt.price(l.pricePerGallon)}/gal</dd></div>
        <div><dt>Total</dt><dd>{fmt.money(l.totalCost)}</dd></div>
        <div><dt>Full tank</dt><dd>{l.fullTank ? 'Yes' : 'No'}</dd></div>
        <div><dt>MPG</dt><dd>{l.mpg === null ? '—' : fmt.number(l.mpg, 2)}</dd></div>
        {station ? <div><dt>Station</dt><dd>{station.nickname ?? station.name}</dd></div> : null}
      </dl>
      {l.notes ? <p className="notes">{l.notes}</p> : null}
      <RowActions label={label} onEdit={() => setEditing(true)} onDelete={remove} />
      {error ? <ErrorPanel error={error} onRetry={() => void remove()} /> : null}
    </li>
  );
}

function EditFuelLog({ log, stations, onDone }: { log: FuelLog; stations: SavedStation[]; onDone: (changed: boolean) => void }) {
  const base = useForm(EDIT_SPECS, valuesFrom({ ...log }, EDIT_SPECS));
  const [totalTyped, setTotalTyped] = useState(false);
  // New gallons or price move the shown total to the one the API would compute (unless the user typed a
  // total), and that shown total is what is sent: the form never shows one total and saves another.
  const form: Form = {
    ...base,
    set: (name, value) => {
      base.set(name, value);
      if (name === 'totalCost') setTotalTyped(true);
      if ((name === 'gallons' || name === 'pricePerGallon') && !totalTyped) {
        const next = { ...base.values, [name]: value };
        const total = computedTotal(next.gallons, next.pricePerGallon);
        if (total !== undefined) base.set('totalCost', total);
      }
    },
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await form.submit(async (body) => {
      // Only what changed (a recomputed total is sent as shown).
      await api.send<FuelLog>('PUT', `/api/fuel-logs/${log.id}`, changedFields(body, { ...log }));
    }, 'This fuel log');
    if (ok) onDone(true);
  };
  return (
    <form onSubmit={submit} aria-label="Edit fuel log" noValidate>
      <FuelLogFields form={form} stations={stations} current={log.stationPlaceId} />
      <FormError form={form} fields={Object.keys(EDIT_SPECS)} />
      <div className="actions">
        <button type="submit" disabled={form.submitting}>Save fuel log</button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>Cancel</button>
      </div>
    </form>
  );
}

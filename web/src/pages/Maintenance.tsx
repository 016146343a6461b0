// Maintenance of one vehicle: what is coming up (overdue / due soon / ok), the service records with
// receipts, and the schedules.
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { api } from '../lib/client.ts';
import { query } from '../lib/api.ts';
import { describeError, type UserError } from '../lib/errors.ts';
import { changedFields, fileProblem, RECEIPT_MAX_BYTES, RECEIPT_TYPES, valuesFrom, type FieldSpec } from '../lib/forms.ts';
import { useForm, useLoad, type Form } from '../lib/hooks.ts';
import { receiptFilename, saveBlob } from '../lib/download.ts';
import * as fmt from '../lib/format.ts';
import { MAINTENANCE_TYPES, type MaintenanceRecord, type Page, type Schedule, type Upcoming, type Vehicle } from '../lib/types.ts';
import { Badge, ConfirmButton, ErrorPanel, Field, FormError, Loading, RowActions, SelectField } from '../components/ui.tsx';

const TYPE_OPTIONS = MAINTENANCE_TYPES.map((t) => ({ value: t, label: fmt.maintenanceType(t) }));

export function MaintenancePanel({ vehicle, onVehicleStale }: { vehicle: Vehicle; onVehicleStale: () => void }) {
  const [version, setVersion] = useState(0);
  const key = `${vehicle.id}:${version}`;
  const upcoming = useLoad(() => api.get<{ items: Upcoming[] }>(`/api/maintenance/upcoming${query({ vehicleId: vehicle.id })}`), key, 'The upcoming list');
  const records = useLoad(() => api.get<Page<MaintenanceRecord>>(`/api/maintenance/records${query({ vehicleId: vehicle.id, limit: 200 })}`), key, 'These records');
  const schedules = useLoad(() => api.get<{ items: Schedule[] }>(`/api/maintenance/schedules${query({ vehicleId: vehicle.id })}`), key, 'These schedules');
  const changed = () => { setVersion((n) => n + 1); onVehicleStale(); };

  return (
    <>
      <section className="card" aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">Upcoming</h2>
        {upcoming.error ? <ErrorPanel error={upcoming.error} onRetry={upcoming.reload} /> : null}
        {upcoming.loading && !upcoming.data ? <Loading label="Loading upcoming maintenance…" /> : null}
        {upcoming.data && upcoming.data.items.length === 0 ? <p className="empty">Nothing scheduled. Add a schedule below to see what is due.</p> : null}
        {upcoming.data && upcoming.data.items.length > 0 ? (
          <ul className="entries" aria-label="Upcoming maintenance">
            {upcoming.data.items.map((u) => <UpcomingItem key={u.scheduleId} u={u} />)}
          </ul>
        ) : null}
      </section>

      <section className="card" aria-labelledby="records-title">
        <h2 id="records-title">Service records</h2>
        {records.error ? <ErrorPanel error={records.error} onRetry={records.reload} /> : null}
        {records.loading && !records.data ? <Loading label="Loading records…" /> : null}
        {records.data && records.data.items.length === 0 ? <p className="empty">No service records yet.</p> : null}
        {records.data && records.data.items.length > 0 ? (
          <ul className="entries" aria-label="Service records">
            {records.data.items.map((r) => <RecordItem key={r.id} record={r} onChanged={changed} />)}
          </ul>
        ) : null}
        <AddRecord vehicle={vehicle} onAdded={changed} />
      </section>

      <section className="card" aria-labelledby="schedules-title">
        <h2 id="schedules-title">Schedules</h2>
        {schedules.error ? <ErrorPanel error={schedules.error} onRetry={schedules.reload} /> : null}
        {schedules.data && schedules.data.items.length === 0 ? <p className="empty">No schedules yet.</p> : null}
        {schedules.data && schedules.data.items.length > 0 ? (
          <ul className="entries" aria-label="Schedules">
            {schedules.data.items.map((s) => <ScheduleItem key={s.id} schedule={s} onChanged={changed} />)}
          </ul>
        ) : null}
        <AddSchedule vehicle={vehicle} onAdded={changed} />
      </section>
    </>
  );
}

const TONES = { overdue: 'danger', due_soon: 'warning', ok: 'ok', unknown: 'neutral' } as const;

function UpcomingItem({ u }: { u: Upcoming }) {
  return (
    <li className="entry" aria-label={`${fmt.maintenanceType(u.type)}: ${fmt.upcomingStatus(u.status)}`}>
      <div className="entry-head">
        <strong>{fmt.maintenanceType(u.type)}</strong>
        <Badge tone={TONES[u.status]}>{fmt.upcomingStatus(u.status)}</Badge>
      </div>
      <dl className="facts inline">
        <div><dt>Due</dt><dd>{fmt.date(u.dueDate)}{u.daysRemaining !== null ? ` (${fmt.daysLeft(u.daysRemaining)})` : ''}</dd></div>
        <div><dt>Due at</dt><dd>{fmt.miles(u.dueOdometer)}{u.milesRemaining !== null ? ` (${fmt.milesLeft(u.milesRemaining)})` : ''}</dd></div>
        <div><dt>Last service</dt><dd>{u.lastServiceDate ? `${fmt.date(u.lastServiceDate)}${u.lastServiceOdometer !== null ? `, ${fmt.miles(u.lastServiceOdometer)}` : ''}` : 'never'}</dd></div>
      </dl>
    </li>
  );
}

const RECORD_SPECS: Record<string, FieldSpec> = {
  type: { type: 'text', required: true },
  date: { type: 'date', required: true },
  odometer: { type: 'int' },
  cost: { type: 'decimal' },
  shop: { type: 'text' },
  description: { type: 'text' },
};
const RECORD_EDIT_SPECS: Record<string, FieldSpec> = {
  ...RECORD_SPECS, odometer: { type: 'int', empty: 'null' }, cost: { type: 'decimal', empty: 'null' },
  shop: { type: 'text', empty: 'null' }, description: { type: 'text', empty: 'null' },
};

function RecordFields({ form }: { form: Form }) {
  return (
    <>
      <div className="grid2">
        <SelectField form={form} name="type" label="Service type" options={TYPE_OPTIONS} />
        <Field form={form} name="date" label="Service date" type="date" required />
        <Field form={form} name="odometer" label="Odometer at service (miles)" type="number" inputMode="numeric" />
        <Field form={form} name="cost" label="Cost" type="number" />
        <Field form={form} name="shop" label="Shop" maxLength={100} />
      </div>
      <Field form={form} name="description" label="Description" type="textarea" maxLength={500} />
    </>
  );
}

function AddRecord({ vehicle, onAdded }: { vehicle: Vehicle; onAdded: () => void }) {
  const initial = { type: 'oil_change', date: fmt.today(), odometer: '', cost: '', shop: '', description: '' };
  const form = useForm(RECORD_SPECS, initial);
  const [receipt, setReceipt] = useState<File | undefined>();
  const [receiptError, setReceiptError] = useState<string | undefined>();
  const [inputKey, setInputKey] = useState(0);
  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    const problem = f ? fileProblem(f, RECEIPT_TYPES, RECEIPT_MAX_BYTES) : undefined;
    setReceiptError(problem);
    setReceipt(problem ? undefined : f);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (receiptError) return;
    let created: MaintenanceRecord | undefined;
    const ok = await form.submit(async (body) => {
      created = await api.send<MaintenanceRecord>('POST', '/api/maintenance/records', { vehicleId: vehicle.id, ...body });
    }, 'This vehicle');
    if (!ok || !created) return;
    if (receipt) {
      try {
        await api.upload(`/api/maintenance/records/${created.id}/receipt`, receipt);
      } catch (err) {
        setReceiptError(`The record was saved, but the receipt was not: ${describeError(err, 'The record').message} Upload it again from the record.`);
      }
    }
    form.reset(initial);
    setReceipt(undefined);
    setInputKey((k) => k + 1);
    onAdded();
  };
  return (
    <form onSubmit={submit} aria-label="Add maintenance record" className="subform" noValidate>
      <h3>Add a service record</h3>
      <RecordFields form={form} />
      <div className={`field${receiptError ? ' has-error' : ''}`}>
        <label htmlFor="receipt-new">Receipt (optional)</label>
        <input key={inputKey} id="receipt-new" type="file" accept={RECEIPT_TYPES.join(',')} onChange={pick}
          aria-describedby={receiptError ? 'receipt-new-error' : 'receipt-new-hint'} aria-invalid={receiptError ? true : undefined} />
        <p className="hint" id="receipt-new-hint">PDF, JPEG or PNG, up to 10 MB.</p>
        {receiptError ? <p className="field-error" id="receipt-new-error" role="alert">{receiptError}</p> : null}
      </div>
      <FormError form={form} fields={Object.keys(RECORD_SPECS)} />
      <button type="submit" disabled={form.submitting}>{form.submitting ? 'Adding…' : 'Add record'}</button>
    </form>
  );
}

function RecordItem({ record: r, onChanged }: { record: MaintenanceRecord; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<UserError | undefined>();
  const [busy, setBusy] = useState(false);
  const label = `${fmt.maintenanceType(r.type)} on ${fmt.date(r.date)}`;
  if (editing) return <li className="entry"><EditRecord record={r} onDone={(c) => { setEditing(false); if (c) onChanged(); }} /></li>;

  const run = async (what: () => Promise<void>) => {
    setError(undefined);
    setBusy(true);
    try {
      await what();
    } catch (err) {
      setError(describeError(err, 'This record'));
    } finally {
      setBusy(false);
    }
  };
  const download = () => run(async () => {
    const blob = await api.blob(`/api/maintenance/records/${r.id}/receipt`);
    saveBlob(blob, receiptFilename(r.date, r.type, blob.type));
  });
  const upload = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const problem = fileProblem(file, RECEIPT_TYPES, RECEIPT_MAX_BYTES);
    if (problem) return setError({ kind: 'validation', message: problem, fields: {}, retryable: false });
    void run(async () => { await api.upload(`/api/maintenance/records/${r.id}/receipt`, file); onChanged(); });
  };
  return (
    <li className="entry" aria-label={label}>
      <div className="entry-head">
        <strong>{fmt.maintenanceType(r.type)}</strong>
        <span className="muted">{fmt.date(r.date)}</span>
        {r.hasReceipt ? <Badge tone="neutral">Receipt</Badge> : null}
      </div>
      <dl className="facts inline">
        <div><dt>Odometer</dt><dd>{fmt.miles(r.odometer)}</dd></div>
        <div><dt>Cost</dt><dd>{fmt.money(r.cost)}</dd></div>
        <div><dt>Shop</dt><dd>{r.shop ?? '—'}</dd></div>
      </dl>
      {r.description ? <p className="notes">{r.description}</p> : null}
      <div className="actions">
        {r.hasReceipt ? <button type="button" className="secondary small" aria-label={`Download receipt for ${label}`} disabled={busy} onClick={() => void download()}>Download receipt</button> : null}
        <label className="file-button secondary small">
          {r.hasReceipt ? 'Replace receipt' : 'Upload receipt'}
          <input type="file" className="visually-hidden" accept={RECEIPT_TYPES.join(',')} aria-label={`${r.hasReceipt ? 'Replace' : 'Upload'} receipt for ${label}`} disabled={busy} onChange={upload} />
        </label>
        <button type="button" className="secondary small" aria-label={`Edit ${label}`} onClick={() => setEditing(true)}>Edit</button>
        <ConfirmButton label="Delete" confirmLabel="Confirm delete" ariaLabel={`Delete ${label}`} onConfirm={() => run(async () => { await api.del(`/api/maintenance/records/${r.id}`); onChanged(); })} />
      </div>
      {error ? <ErrorPanel error={error} /> : null}
    </li>
  );
}

function EditRecord({ record, onDone }: { record: MaintenanceRecord; onDone: (changed: boolean) => void }) {
  const form = useForm(RECORD_EDIT_SPECS, valuesFrom({ ...record }, RECORD_EDIT_SPECS));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await form.submit(async (body) => { await api.send('PUT', `/api/maintenance/records/${record.id}`, changedFields(body, { ...record })); }, 'This record')) onDone(true);
  };
  return (
    <form onSubmit={submit} aria-label="Edit maintenance record" noValidate>
      <RecordFields form={form} />
      <FormError form={form} fields={Object.keys(RECORD_EDIT_SPECS)} />
      <div className="actions">
        <button type="submit" disabled={form.submitting}>Save record</button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>Cancel</button>
      </div>
    </form>
  );
}

const SCHEDULE_SPECS: Record<string, FieldSpec> = {
  type: { type: 'text', required: true },
  intervalMiles: { type: 'int' },
  intervalMonths: { type: 'int' },
  notes: { type: 'text' },
};
const SCHEDULE_EDIT_SPECS: Record<string, FieldSpec> = {
  intervalMiles: { type: 'int', empty: 'null' }, intervalMonths: { type: 'int', empty: 'null' }, notes: { type: 'text', empty: 'null' },
};

function IntervalFields({ form }: { form: Form }) {
  return (
    <>
      <div className="grid2">
        <Field form={form} name="intervalMiles" label="Every (miles)" type="number" inputMode="numeric" hint="100 to 100,000" />
        <Field form={form} name="intervalMonths" label="Every (months)" type="number" inputMode="numeric" hint="1 to 120" />
      </div>
      <Field form={form} name="notes" label="Schedule notes" type="textarea" />
    </>
  );
}

function AddSchedule({ vehicle, onAdded }: { vehicle: Vehicle; onAdded: () => void }) {
  const initial = { type: 'oil_change', intervalMiles: '', intervalMonths: '', notes: '' };
  const form = useForm(SCHEDULE_SPECS, initial);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await form.submit(async (body) => { await api.send('POST', '/api/maintenance/schedules', { vehicleId: vehicle.id, ...body }); }, 'This vehicle')) {
      form.reset(initial);
      onAdded();
    }
  };
  return (
    <form onSubmit={submit} aria-label="Add schedule" className="subform" noValidate>
      <h3>Add a schedule</h3>
      <SelectField form={form} name="type" label="Scheduled service" options={TYPE_OPTIONS} />
      <IntervalFields form={form} />
      <FormError form={form} fields={Object.keys(SCHEDULE_SPECS)} />
      <button type="submit" disabled={form.submitting}>{form.submitting ? 'Adding…' : 'Add schedule'}</button>
    </form>
  );
}

function ScheduleItem({ schedule: s, onChanged }: { schedule: Schedule; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<UserError | undefined>();
  const form = useForm(SCHEDULE_EDIT_SPECS, valuesFrom({ ...s }, SCHEDULE_EDIT_SPECS));
  const label = `${fmt.maintenanceType(s.type)} schedule`;
  const every = [s.intervalMiles !== null ? `${fmt.number(s.intervalMiles)} miles` : '', s.intervalMonths !== null ? `${s.intervalMonths} months` : ''].filter(Boolean).join(' or ');
  const remove = async () => {
    try {
      await api.del(`/api/maintenance/schedules/${s.id}`);
      onChanged();
    } catch (err) {
      setError(describeError(err, 'This schedule'));
    }
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (await form.submit(async (body) => { await api.send('PUT', `/api/maintenance/schedules/${s.id}`, changedFields(body, { ...s })); }, 'This schedule')) {
      setEditing(false);
      onChanged();
    }
  };
  if (editing) {
    return (
      <li className="entry">
        <form onSubmit={save} aria-label={`Edit ${label}`} noValidate>
          <h3>{label}</h3>
          <IntervalFields form={form} />
          <FormError form={form} fields={Object.keys(SCHEDULE_EDIT_SPECS)} />
          <div className="actions">
            <button type="submit" disabled={form.submitting}>Save schedule</button>
            <button type="button" className="secondary" onClick={() => { form.reset(); setEditing(false); }}>Cancel</button>
          </div>
        </form>
      </li>
    );
  }
  return (
    <li className="entry" aria-label={label}>
      <div className="entry-head"><strong>{fmt.maintenanceType(s.type)}</strong><span className="muted">every {every}</span></div>
      {s.notes ? <p className="notes">{s.notes}</p> : null}
      <RowActions label={label} onEdit={() => setEditing(true)} onDelete={remove} />
      {error ? <ErrorPanel error={error} onRetry={() => void remove()} /> : null}
    </li>
  );
}

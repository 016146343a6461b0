// One vehicle: overview (details, photo, edit, delete), its fuel logs and its maintenance, as tabs
// that are real URLs.
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { api } from '../lib/client.ts';
import { describeError, type UserError } from '../lib/errors.ts';
import { changedFields, fileProblem, PHOTO_MAX_BYTES, PHOTO_TYPES, valuesFrom, type FieldSpec } from '../lib/forms.ts';
import { navigate, useForm, useLoad } from '../lib/hooks.ts';
import { paths } from '../lib/routes.ts';
import * as fmt from '../lib/format.ts';
import type { Vehicle } from '../lib/types.ts';
import { ErrorPanel, FormError, Link, Loading } from '../components/ui.tsx';
import { DetailFields, ModelFields } from '../components/VehicleFields.tsx';
import { VehiclePhoto } from '../components/Photo.tsx';
import { FuelLogsPanel } from './FuelLogs.tsx';
import { MaintenancePanel } from './Maintenance.tsx';

export function VehiclePage({ id, tab }: { id: string; tab: 'overview' | 'fuel' | 'maintenance' }) {
  const vehicle = useLoad(() => api.get<Vehicle>(`/api/vehicles/${id}`), id, 'This vehicle');
  if (vehicle.error) return <ErrorPanel error={vehicle.error} onRetry={vehicle.reload} />;
  if (!vehicle.data) return <Loading label="Loading vehicle…" />;
  const v = vehicle.data;
  const replace = (next: Vehicle) => vehicle.setData(() => next);
  return (
    <>
      <p className="crumbs"><Link to={paths.vehicles()}>← All vehicles</Link></p>
      <h1>{fmt.vehicleName(v)}</h1>
      <nav className="tabs" aria-label="Vehicle sections">
        <Link to={paths.vehicle(id)} current={tab === 'overview'}>Overview</Link>
        <Link to={paths.fuel(id)} current={tab === 'fuel'}>Fuel logs</Link>
        <Link to={paths.maintenance(id)} current={tab === 'maintenance'}>Maintenance</Link>
      </nav>
      {tab === 'overview' ? <Overview vehicle={v} onChange={replace} /> : null}
      {tab === 'fuel' ? <FuelLogsPanel vehicle={v} onVehicleStale={vehicle.reload} /> : null}
      {tab === 'maintenance' ? <MaintenancePanel vehicle={v} onVehicleStale={vehicle.reload} /> : null}
    </>
  );
}

function Overview({ vehicle: v, onChange }: { vehicle: Vehicle; onChange: (v: Vehicle) => void }) {
  const [editing, setEditing] = useState(false);
  return (
    <>
      <PhotoSection vehicle={v} onChange={onChange} />
      <section className="card" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        {editing ? (
          <EditVehicle vehicle={v} onDone={(next) => { if (next) onChange(next); setEditing(false); }} />
        ) : (
          <>
            <dl className="facts">
              <div><dt>Make</dt><dd>{v.make}</dd></div>
              <div><dt>Model</dt><dd>{v.model}</dd></div>
              <div><dt>Year</dt><dd>{v.year}</dd></div>
              <div><dt>VIN</dt><dd className="mono">{v.vin ?? '—'}</dd></div>
              <div><dt>Nickname</dt><dd>{v.nickname ?? '—'}</dd></div>
              <div><dt>Color</dt><dd>{v.color ?? '—'}</dd></div>
              <div><dt>License plate</dt><dd>{v.licensePlate ?? '—'}</dd></div>
              <div><dt>Odometer</dt><dd>{fmt.miles(v.odometer)}</dd></div>
            </dl>
            <button type="button" onClick={() => setEditing(true)}>Edit vehicle</button>
          </>
        )}
      </section>
      <DeleteVehicle vehicle={v} />
    </>
  );
}

function PhotoSection({ vehicle: v, onChange }: { vehicle: Vehicle; onChange: (v: Vehicle) => void }) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const problem = fileProblem(file, PHOTO_TYPES, PHOTO_MAX_BYTES);
    if (problem) return setError(problem);
    setError(undefined);
    setBusy(true);
    try {
      onChange(await api.upload<Vehicle>(`/api/vehicles/${v.id}/photo`, file));
    } catch (err) {
      setError(describeError(err, 'This vehicle').message);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await api.del(`/api/vehicles/${v.id}/photo`);
      onChange(await api.get<Vehicle>(`/api/vehicles/${v.id}`));
    } catch (err) {
      setError(describeError(err, 'This vehicle').message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card photo-section" aria-labelledby="photo-title">
      <h2 id="photo-title">Photo</h2>
      {v.hasPhoto ? <VehiclePhoto vehicleId={v.id} version={v.updatedAt} alt={`Photo of ${fmt.vehicleName(v)}`} className="photo" /> : <p className="muted">No photo yet.</p>}
      <div className="row">
        <div className="field">
          <label htmlFor="photo-input">{v.hasPhoto ? 'Replace photo' : 'Upload photo'}</label>
          <input id="photo-input" type="file" accept={PHOTO_TYPES.join(',')} onChange={(e) => void upload(e)} disabled={busy}
            aria-describedby={error ? 'photo-error' : 'photo-hint'} aria-invalid={error ? true : undefined} />
          <p className="hint" id="photo-hint">JPEG, PNG or WebP, up to 5 MB.</p>
          {error ? <p className="field-error" id="photo-error" role="alert">{error}</p> : null}
        </div>
        {v.hasPhoto ? <button type="button" className="secondary align-end" onClick={() => void remove()} disabled={busy}>Remove photo</button> : null}
      </div>
      {busy ? <p role="status">Saving photo…</p> : null}
    </section>
  );
}

const EDIT_SPECS: Record<string, FieldSpec> = {
  make: { type: 'text', required: true }, model: { type: 'text', required: true }, year: { type: 'int', required: true },
  nickname: { type: 'text', empty: 'null' }, color: { type: 'text', empty: 'null' }, licensePlate: { type: 'text', empty: 'null' },
  odometer: { type: 'int', required: true },
};

function EditVehicle({ vehicle: v, onDone }: { vehicle: Vehicle; onDone: (v?: Vehicle) => void }) {
  const form = useForm(EDIT_SPECS, valuesFrom({ ...v }, EDIT_SPECS));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await form.submit(async (body) => {
      onDone(await api.send<Vehicle>('PUT', `/api/vehicles/${v.id}`, changedFields(body, { ...v })));
    }, 'This vehicle');
  };
  return (
    <form onSubmit={submit} aria-label="Edit vehicle" noValidate>
      <ModelFields form={form} />
      <DetailFields form={form} odometerRequired />
      <FormError form={form} fields={Object.keys(EDIT_SPECS)} />
      <div className="actions">
        <button type="submit" disabled={form.submitting}>Save changes</button>
        <button type="button" className="secondary" onClick={() => onDone()}>Cancel</button>
      </div>
    </form>
  );
}

function DeleteVehicle({ vehicle: v }: { vehicle: Vehicle }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<UserError | undefined>();
  const remove = async () => {
    try {
      await api.del(`/api/vehicles/${v.id}`);
      navigate(paths.vehicles());
    } catch (err) {
      setError(describeError(err, 'This vehicle'));
    }
  };
  return (
    <section className="card danger" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete vehicle</h2>
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>Delete vehicle</button>
      ) : (
        <fieldset className="plain" aria-label="Confirm deletion">
          <p>Delete {fmt.vehicleName(v)} with its fuel logs and maintenance history? This cannot be undone.</p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => void remove()}>Yes, delete it</button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>Keep it</button>
          </div>
        </fieldset>
      )}
      {error ? <ErrorPanel error={error} onRetry={() => void remove()} /> : null}
    </section>
  );
}

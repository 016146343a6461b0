// The vehicle list and the add-vehicle form (by VIN with a decode preview, or by make, model and year).
import { useState, type FormEvent } from 'react';
import { api } from '../lib/client.ts';
import { describeError, type UserError } from '../lib/errors.ts';
import { normalizeVin, vinProblem, type FieldSpec } from '../lib/forms.ts';
import { useForm, useLoad } from '../lib/hooks.ts';
import { paths } from '../lib/routes.ts';
import * as fmt from '../lib/format.ts';
import type { Page, Vehicle, VinDecode } from '../lib/types.ts';
import { ErrorPanel, Field, FormError, Link, Loading } from '../components/ui.tsx';
import { DetailFields, ModelFields } from '../components/VehicleFields.tsx';
import { VehiclePhoto } from '../components/Photo.tsx';

export function VehiclesPage() {
  const list = useLoad(() => api.get<Page<Vehicle>>('/api/vehicles?limit=200'), 'vehicles', 'The vehicle list');
  const [added, setAdded] = useState<Vehicle | undefined>();
  return (
    <>
      <h1>Your vehicles</h1>
      <section aria-labelledby="list-title">
        <h2 id="list-title" className="visually-hidden">Vehicle list</h2>
        {list.error ? <ErrorPanel error={list.error} onRetry={list.reload} /> : null}
        {list.loading && !list.data ? <Loading label="Loading vehicles…" /> : null}
        {list.data && list.data.items.length === 0 ? <p className="empty">No vehicles yet. Add your first one below.</p> : null}
        {list.data && list.data.items.length > 0 ? (
          <ul className="cards" aria-label="Vehicles">
            {list.data.items.map((v) => <VehicleCard key={v.id} vehicle={v} />)}
          </ul>
        ) : null}
      </section>
      {added ? (
        <div className="alert success" role="status">
          <p>Added {fmt.vehicleTitle(added)}. <Link to={paths.vehicle(added.id)}>Open {fmt.vehicleName(added)}</Link></p>
        </div>
      ) : null}
      <AddVehicle onAdded={(v) => { setAdded(v); list.setData((p) => (p ? { ...p, items: [...p.items, v], total: p.total + 1 } : p)); }} />
    </>
  );
}

function VehicleCard({ vehicle: v }: { vehicle: Vehicle }) {
  return (
    <li className="card vehicle-card">
      {v.hasPhoto ? <VehiclePhoto vehicleId={v.id} version={v.updatedAt} alt={`Photo of ${fmt.vehicleName(v)}`} className="thumb" /> : <div className="thumb photo-placeholder" aria-hidden="true">🚗</div>}
      <div className="vehicle-card-body">
        <h3><Link to={paths.vehicle(v.id)}>{fmt.vehicleName(v)}</Link></h3>
        {v.nickname ? <p className="muted">{fmt.vehicleTitle(v)}</p> : null}
        <p className="muted small">{v.vin ? <>VIN <span className="mono">{v.vin}</span> · </> : null}{fmt.miles(v.odometer)}</p>
      </div>
    </li>
  );
}

const OPTIONAL: Record<string, FieldSpec> = {
  nickname: { type: 'text' }, color: { type: 'text' }, licensePlate: { type: 'text' }, odometer: { type: 'int' },
};
const BY_VIN: Record<string, FieldSpec> = { vin: { type: 'text', required: true }, ...OPTIONAL };
const BY_MODEL: Record<string, FieldSpec> = { make: { type: 'text', required: true }, model: { type: 'text', required: true }, year: { type: 'int', required: true }, ...OPTIONAL };
const EMPTY = { vin: '', make: '', model: '', year: '', nickname: '', color: '', licensePlate: '', odometer: '' };

function AddVehicle({ onAdded }: { onAdded: (v: Vehicle) => void }) {
  const [mode, setMode] = useState<'vin' | 'model'>('vin');
  const form = useForm(mode === 'vin' ? BY_VIN : BY_MODEL, EMPTY);
  const [decoded, setDecoded] = useState<VinDecode | undefined>();
  const [decodeError, setDecodeError] = useState<UserError | undefined>();
  const [decoding, setDecoding] = useState(false);

  const decode = async () => {
    setDecodeError(undefined);
    setDecoded(undefined);
    const problem = vinProblem(String(form.values.vin));
    if (problem) return form.setErrors({ ...form.errors, vin: problem });
    setDecoding(true);
    try {
      setDecoded(await api.get<VinDecode>(`/api/vehicles/decode-vin/${encodeURIComponent(normalizeVin(String(form.values.vin)))}`));
    } catch (e) {
      const ue = describeError(e, 'That VIN');
      if (ue.fields.vin) form.setErrors({ ...form.errors, vin: ue.fields.vin });
      else setDecodeError(ue);
    } finally {
      setDecoding(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'vin') {
      const problem = vinProblem(String(form.values.vin));
      if (problem) return form.setErrors({ vin: problem });
    }
    await form.submit(async (body) => {
      if (mode === 'vin') body.vin = normalizeVin(String(body.vin));
      const v = await api.send<Vehicle>('POST', '/api/vehicles', body);
      form.reset(EMPTY);
      setDecoded(undefined);
      onAdded(v);
    });
  };

  const fields = mode === 'vin' ? Object.keys(BY_VIN) : Object.keys(BY_MODEL);
  return (
    <section className="card" aria-labelledby="add-title">
      <h2 id="add-title">Add a vehicle</h2>
      <form onSubmit={submit} aria-label="Add vehicle" noValidate>
        <div className="segmented" role="tablist" aria-label="Add by">
          <button type="button" role="tab" aria-selected={mode === 'vin'} className={mode === 'vin' ? '' : 'secondary'} onClick={() => { setMode('vin'); form.setErrors({}); }}>By VIN</button>
          <button type="button" role="tab" aria-selected={mode === 'model'} className={mode === 'model' ? '' : 'secondary'} onClick={() => { setMode('model'); form.setErrors({}); setDecoded(undefined); }}>By make, model and year</button>
        </div>
        {mode === 'vin' ? (
          <>
            <div className="row">
              <Field form={form} name="vin" label="VIN" required hint="17 characters, on the dashboard or the driver's door frame" maxLength={64} />
              <button type="button" className="secondary align-end" onClick={() => void decode()} disabled={decoding}>{decoding ? 'Decoding…' : 'Decode VIN'}</button>
            </div>
            {decodeError ? <ErrorPanel error={decodeError} onRetry={() => void decode()} /> : null}
            {decoded ? <DecodePreview d={decoded} /> : null}
          </>
        ) : (
          <ModelFields form={form} />
        )}
        <DetailFields form={form} />
        <FormError form={form} fields={fields} />
        <button type="submit" disabled={form.submitting}>{form.submitting ? 'Adding…' : 'Add vehicle'}</button>
      </form>
    </section>
  );
}

function DecodePreview({ d }: { d: VinDecode }) {
  const rows: Array<[string, string | number | null]> = [
    ['Make', d.make], ['Model', d.model], ['Year', d.year], ['Trim', d.trim], ['Body', d.bodyClass], ['Fuel', d.fuelType],
    ['Engine', d.engineCylinders || d.displacementL ? [d.engineCylinders ? `${d.engineCylinders} cyl` : '', d.displacementL ? `${d.displacementL} L` : ''].filter(Boolean).join(', ') : null],
    ['Manufacturer', d.manufacturer],
  ];
  const complete = d.make && d.model && d.year;
  return (
    <section className="decode" aria-label="Decoded vehicle" aria-live="polite">
      <h3>Decoded: {[d.year, d.make, d.model].filter(Boolean).join(' ') || 'unknown vehicle'}</h3>
      <dl className="facts">
        {rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v ?? '—'}</dd></div>)}
      </dl>
      {!complete ? <p className="alert warning">This VIN does not decode to a make, model and year. Add the vehicle by make, model and year instead.</p> : null}
    </section>
  );
}

// Stations: search near typed coordinates or the browser's location (nearest first), save one with a
// nickname and favourite flag, and manage the saved list.
import { useState, type FormEvent } from 'react';
import { api } from '../lib/client.ts';
import { query } from '../lib/api.ts';
import { describeError, type UserError } from '../lib/errors.ts';
import { coordinateErrors, parseNumber, type FieldErrors } from '../lib/forms.ts';
import { useLoad } from '../lib/hooks.ts';
import * as fmt from '../lib/format.ts';
import type { SavedStation, StationResult } from '../lib/types.ts';
import { Badge, ConfirmButton, ErrorPanel, Loading } from '../components/ui.tsx';

export function StationsPage() {
  const saved = useLoad(() => api.get<{ items: SavedStation[] }>('/api/stations/saved'), 'saved', 'Your saved stations');
  const upsert = (s: SavedStation) => saved.setData((p) => ({ items: p ? (p.items.some((x) => x.id === s.id) ? p.items.map((x) => (x.id === s.id ? s : x)) : [...p.items, s]) : [s] }));
  const drop = (id: string) => saved.setData((p) => (p ? { items: p.items.filter((x) => x.id !== id) } : p));
  return (
    <>
      <h1>Gas stations</h1>
      <Search saved={saved.data?.items ?? []} onSaved={upsert} />
      <section className="card" aria-labelledby="saved-title">
        <h2 id="saved-title">Saved stations</h2>
        {saved.error ? <ErrorPanel error={saved.error} onRetry={saved.reload} /> : null}
        {saved.loading && !saved.data ? <Loading label="Loading saved stations…" /> : null}
        {saved.data && saved.data.items.length === 0 ? <p className="empty">No saved stations yet. Search and save one.</p> : null}
        {saved.data && saved.data.items.length > 0 ? (
          <ul className="entries" aria-label="Saved stations">
            {saved.data.items.map((s) => <SavedItem key={s.id} station={s} onChanged={upsert} onRemoved={drop} />)}
          </ul>
        ) : null}
      </section>
    </>
  );
}

function Search({ saved, onSaved }: { saved: SavedStation[]; onSaved: (s: SavedStation) => void }) {
  const [lat, setLat] = useState('');
  const [lng, setLng] = useState('');
  const [radius, setRadius] = useState('5000');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<UserError | undefined>();
  const [results, setResults] = useState<StationResult[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [locating, setLocating] = useState(false);

  const search = async (la: string, ln: string) => {
    const errs = coordinateErrors(la, ln);
    if (parseNumber(radius) === undefined) errs.radius = 'Must be a number';
    setFieldErrors(errs);
    setError(undefined);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const res = await api.get<{ items: StationResult[] }>(`/api/stations/search${query({ lat: parseNumber(la), lng: parseNumber(ln), radius: parseNumber(radius) })}`);
      setResults([...res.items].sort((a, b) => a.distanceMeters - b.distanceMeters));
    } catch (err) {
      const ue = describeError(err, 'That search');
      setFieldErrors(ue.fields);
      setError(ue);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => { e.preventDefault(); void search(lat, lng); };
  const locate = () => {
    if (!('geolocation' in navigator)) return setError({ kind: 'unknown', message: 'This browser cannot share its location. Type the coordinates instead.', fields: {}, retryable: false });
    setLocating(true);
    setError(undefined);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        const la = pos.coords.latitude.toFixed(6);
        const ln = pos.coords.longitude.toFixed(6);
        setLat(la);
        setLng(ln);
        void search(la, ln);
      },
      (err) => {
        setLocating(false);
        setError({ kind: 'unknown', message: err.code === err.PERMISSION_DENIED ? 'Location access was denied. Type the coordinates instead.' : 'Your location could not be found. Type the coordinates instead.', fields: {}, retryable: false });
      },
      { timeout: 10_000, maximumAge: 60_000 },
    );
  };
  const err = (f: string) => (fieldErrors[f] ? <p className="field-error" id={`st-${f}-error`}>{fieldErrors[f]}</p> : null);
  const aria = (f: string) => ({ 'aria-invalid': fieldErrors[f] ? true : undefined, 'aria-describedby': fieldErrors[f] ? `st-${f}-error` : undefined });

  return (
    <section className="card" aria-labelledby="search-title">
      <h2 id="search-title">Find stations nearby</h2>
      <form onSubmit={submit} aria-label="Search stations" noValidate>
        <div className="grid3">
          <div className={`field${fieldErrors.lat ? ' has-error' : ''}`}>
            <label htmlFor="st-lat">Latitude</label>
            <input id="st-lat" inputMode="decimal" value={lat} onChange={(e) => setLat(e.target.value)} placeholder="37.7749" {...aria('lat')} />
            {err('lat')}
          </div>
          <div className={`field${fieldErrors.lng ? ' has-error' : ''}`}>
            <label htmlFor="st-lng">Longitude</label>
            <input id="st-lng" inputMode="decimal" value={lng} onChange={(e) => setLng(e.target.value)} placeholder="-122.4194" {...aria('lng')} />
            {err('lng')}
          </div>
          <div className={`field${fieldErrors.radius ? ' has-error' : ''}`}>
            <label htmlFor="st-radius">Radius (metres)</label>
            <input id="st-radius" inputMode="numeric" value={radius} onChange={(e) => setRadius(e.target.value)} {...aria('radius')} />
            {err('radius')}
          </div>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? 'Searching…' : 'Search'}</button>
          <button type="button" className="secondary" onClick={locate} disabled={locating || busy}>{locating ? 'Locating…' : 'Use my location'}</button>
        </div>
      </form>
      {error ? <ErrorPanel error={error} onRetry={error.retryable ? () => void search(lat, lng) : undefined} /> : null}
      {results && results.length === 0 ? <p className="empty" role="status">No stations found here.</p> : null}
      {results && results.length > 0 ? (
        <h3 id="results-title" aria-live="polite">{results.length === 1 ? '1 station found' : `${results.length} stations found`}, nearest first</h3>
      ) : null}
      {results && results.length > 0 ? (
        <ol className="entries" aria-label="Search results">
          {results.map((r) => <ResultItem key={r.placeId} r={r} saved={saved.find((s) => s.placeId === r.placeId)} onSaved={onSaved} />)}
        </ol>
      ) : null}
    </section>
  );
}

function ResultItem({ r, saved, onSaved }: { r: StationResult; saved: SavedStation | undefined; onSaved: (s: SavedStation) => void }) {
  const [open, setOpen] = useState(false);
  const [nickname, setNickname] = useState('');
  const [favorite, setFavorite] = useState(false);
  const [error, setError] = useState<UserError | undefined>();
  const [busy, setBusy] = useState(false);
  const idBase = `res-${r.placeId.replace(/[^A-Za-z0-9_-]/g, '')}`;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = { placeId: r.placeId, name: r.name, address: r.address, lat: r.lat, lng: r.lng, nickname: nickname.trim() || null, isFavorite: favorite };
      onSaved(await api.send<SavedStation>('POST', '/api/stations/saved', body));
      setOpen(false);
    } catch (err) {
      setError(describeError(err, 'That station'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="entry" aria-label={r.name ?? undefined}>
      <div className="entry-head">
        <strong>{r.name}</strong>
        <span className="distance">{fmt.distance(r.distanceMeters)}</span>
        {r.openNow === true ? <Badge tone="ok">Open now</Badge> : r.openNow === false ? <Badge tone="neutral">Closed</Badge> : null}
      </div>
      <p className="muted small">{r.address ?? 'No address'}{r.rating !== null ? ` · ★ ${r.rating}${r.userRatingsTotal ? ` (${fmt.number(r.userRatingsTotal)})` : ''}` : ''}</p>
      {saved ? <p className="small"><Badge tone="ok">Saved</Badge>{saved.nickname ? ` as “${saved.nickname}”` : ''}</p> : null}
      {!saved && !open ? <button type="button" className="secondary small" aria-label={`Save ${r.name}`} onClick={() => setOpen(true)}>Save</button> : null}
      {!saved && open ? (
        <form onSubmit={save} aria-label={`Save ${r.name}`} className="subform" noValidate>
          <div className={`field${error?.fields.nickname ? ' has-error' : ''}`}>
            <label htmlFor={`${idBase}-nick`}>Nickname</label>
            <input id={`${idBase}-nick`} value={nickname} maxLength={100} onChange={(e) => setNickname(e.target.value)}
              aria-invalid={error?.fields.nickname ? true : undefined} aria-describedby={error?.fields.nickname ? `${idBase}-nick-error` : undefined} />
            {error?.fields.nickname ? <p className="field-error" id={`${idBase}-nick-error`}>{error.fields.nickname}</p> : null}
          </div>
          <div className="field checkbox">
            <input id={`${idBase}-fav`} type="checkbox" checked={favorite} onChange={(e) => setFavorite(e.target.checked)} />
            <label htmlFor={`${idBase}-fav`}>Favourite</label>
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>Save station</button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>Cancel</button>
          </div>
        </form>
      ) : null}
      {error ? <ErrorPanel error={error} /> : null}
    </li>
  );
}

function SavedItem({ station: s, onChanged, onRemoved }: { station: SavedStation; onChanged: (s: SavedStation) => void; onRemoved: (id: string) => void }) {
  const [renaming, setRenaming] = useState(false);
  const [nickname, setNickname] = useState(s.nickname ?? '');
  const [error, setError] = useState<UserError | undefined>();
  const name = s.nickname ? `${s.nickname} (${s.name})` : s.name;
  const update = async (body: { nickname?: string | null; isFavorite?: boolean }) => {
    setError(undefined);
    try {
      onChanged(await api.send<SavedStation>('PUT', `/api/stations/saved/${s.id}`, body));
      return true;
    } catch (err) {
      setError(describeError(err, 'This station'));
      return false;
    }
  };
  const remove = async () => {
    try {
      await api.del(`/api/stations/saved/${s.id}`);
      onRemoved(s.id);
    } catch (err) {
      setError(describeError(err, 'This station'));
    }
  };
  return (
    <li className="entry" aria-label={name}>
      <div className="entry-head">
        <strong>{s.nickname ?? s.name}</strong>
        {/* The favourite toggle below shows the state; the badge stands in for it only while renaming hides it. */}
        {s.isFavorite && renaming ? <Badge tone="warning">★ Favourite</Badge> : null}
      </div>
      <p className="muted small">{s.nickname ? `${s.name} · ` : ''}{s.address ?? 'No address'}</p>
      {renaming ? (
        <form onSubmit={async (e) => { e.preventDefault(); if (await update({ nickname: nickname.trim() || null })) setRenaming(false); }} aria-label={`Rename ${s.name}`} noValidate>
          <div className={`field${error?.fields.nickname ? ' has-error' : ''}`}>
            <label htmlFor={`saved-${s.id}-nick`}>Nickname</label>
            <input id={`saved-${s.id}-nick`} value={nickname} maxLength={100} onChange={(e) => setNickname(e.target.value)} aria-invalid={error?.fields.nickname ? true : undefined} />
            {error?.fields.nickname ? <p className="field-error">{error.fields.nickname}</p> : null}
          </div>
          <div className="actions">
            <button type="submit">Save nickname</button>
            <button type="button" className="secondary" onClick={() => setRenaming(false)}>Cancel</button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <button type="button" className="secondary small" aria-pressed={s.isFavorite} aria-label={`Favourite ${name}`} onClick={() => void update({ isFavorite: !s.isFavorite })}>{s.isFavorite ? '★ Favourite' : '☆ Favourite'}</button>
          <button type="button" className="secondary small" aria-label={`Rename ${name}`} onClick={() => setRenaming(true)}>Rename</button>
          <ConfirmButton label="Remove" confirmLabel="Confirm remove" ariaLabel={`Remove ${name}`} onConfirm={remove} />
        </div>
      )}
      {error && !error.fields.nickname ? <ErrorPanel error={error} /> : null}
    </li>
  );
}

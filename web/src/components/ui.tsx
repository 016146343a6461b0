// Small accessible building blocks: labelled fields with their error beside them, alerts, retry panels.
import { useId, useState, type ReactNode, type MouseEvent } from 'react';
import type { Form } from '../lib/hooks.ts';
import { navigate } from '../lib/hooks.ts';
import type { UserError } from '../lib/errors.ts';

interface FieldProps {
  form: Form;
  name: string;
  label: string;
  type?: 'text' | 'number' | 'date' | 'textarea';
  inputMode?: 'numeric' | 'decimal' | 'text';
  hint?: string;
  required?: boolean;
  autoComplete?: string;
  placeholder?: string;
  step?: string;
  maxLength?: number;
}

export function Field({ form, name, label, type = 'text', inputMode, hint, required, autoComplete = 'off', placeholder, step, maxLength }: FieldProps) {
  const id = useId();
  const error = form.errors[name];
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name,
    value: String(form.values[name] ?? ''),
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    required,
    placeholder,
    maxLength,
  };
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}{required ? <span aria-hidden="true"> *</span> : null}</label>
      {type === 'textarea'
        ? <textarea {...common} rows={2} onChange={(e) => form.set(name, e.target.value)} />
        : <input {...common} type={type === 'number' ? 'text' : type} inputMode={inputMode ?? (type === 'number' ? 'decimal' : undefined)} step={step} autoComplete={autoComplete} onChange={(e) => form.set(name, e.target.value)} />}
      {hint ? <p className="hint" id={`${id}-hint`}>{hint}</p> : null}
      {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

export function SelectField({ form, name, label, options }: { form: Form; name: string; label: string; options: Array<{ value: string; label: string }> }) {
  const id = useId();
  const error = form.errors[name];
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} value={String(form.values[name] ?? '')} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => form.set(name, e.target.value)}>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

export function CheckboxField({ form, name, label }: { form: Form; name: string; label: string }) {
  const id = useId();
  const error = form.errors[name];
  return (
    <div className="field checkbox">
      <input id={id} type="checkbox" name={name} checked={form.values[name] === true} aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => form.set(name, e.target.checked)} />
      <label htmlFor={id}>{label}</label>
      {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

/** The form-level error: the message, plus any server field errors the form has no field for. */
export function FormError({ form, fields }: { form: Form; fields: readonly string[] }) {
  if (!form.formError) return null;
  const extra = Object.entries(form.errors).filter(([f]) => !fields.includes(f));
  return (
    <div className="alert error" role="alert">
      <p>{form.formError.message}</p>
      {extra.length ? <ul>{extra.map(([f, m]) => <li key={f}>{f}: {m}</li>)}</ul> : null}
    </div>
  );
}

/** A failed load: the message, and "Try again" when it may help. */
export function ErrorPanel({ error, onRetry }: { error: UserError; onRetry?: () => void }) {
  return (
    <div className={`alert ${error.kind === 'not-found' ? 'info' : 'error'}`} role="alert">
      <p>{error.message}</p>
      {error.retryable && onRetry ? <button type="button" onClick={onRetry}>Try again</button> : null}
      {error.kind === 'not-found' ? <p><Link to="/">Back to your vehicles</Link></p> : null}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <p className="loading" role="status">{label}</p>;
}

export function Link({ to, children, className, ariaLabel, current }: { to: string; children: ReactNode; className?: string; ariaLabel?: string; current?: boolean }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} className={className} aria-label={ariaLabel} aria-current={current ? 'page' : undefined} onClick={onClick}>{children}</a>;
}

/** A status badge whose text says the status (colour is only a second cue). */
export function Badge({ tone, children }: { tone: string; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** A destructive action that asks once more: "Delete" → "Confirm delete" / "Cancel". */
export function ConfirmButton({ label, confirmLabel, ariaLabel, onConfirm }: { label: string; confirmLabel: string; ariaLabel: string; onConfirm: () => Promise<void> | void }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) return <button type="button" className="secondary small" aria-label={ariaLabel} onClick={() => setAsking(true)}>{label}</button>;
  return (
    <fieldset className="confirm" aria-label={ariaLabel}>
      <button type="button" className="danger small" disabled={busy} onClick={async () => { setBusy(true); try { await onConfirm(); } finally { setBusy(false); setAsking(false); } }}>{confirmLabel}</button>
      <button type="button" className="secondary small" onClick={() => setAsking(false)}>Cancel</button>
    </fieldset>
  );
}

/** A row's Edit and Delete (with confirmation) buttons, both named after the row. */
export function RowActions({ label, onEdit, onDelete }: { label: string; onEdit: () => void; onDelete: () => Promise<void> | void }) {
  return (
    <div className="actions">
      <button type="button" className="secondary small" aria-label={`Edit ${label}`} onClick={onEdit}>Edit</button>
      <ConfirmButton label="Delete" confirmLabel="Confirm delete" ariaLabel={`Delete ${label}`} onConfirm={onDelete} />
    </div>
  );
}

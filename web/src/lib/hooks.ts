// React hooks shared by the pages: the current URL, loading data with retry, and form state.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { describeError, type UserError } from './errors.ts';
import { buildBody, type FieldErrors, type FieldSpec, type FormValues } from './forms.ts';

const subscribeLocation = (cb: () => void) => {
  window.addEventListener('popstate', cb);
  return () => window.removeEventListener('popstate', cb);
};

export function usePathname(): string {
  return useSyncExternalStore(subscribeLocation, () => window.location.pathname);
}

export function navigate(to: string): void {
  if (to === window.location.pathname) return;
  window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

export interface Loaded<T> {
  data: T | undefined;
  error: UserError | undefined;
  loading: boolean;
  reload: () => void;
  /** Replace the data locally (after a write answered with the new state). */
  setData: (fn: (prev: T | undefined) => T | undefined) => void;
}

/** Runs `load` when `key` changes; errors become UserErrors; stale answers are dropped. */
export function useLoad<T>(load: () => Promise<T>, key: string, what = 'That'): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<UserError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: key and nonce are the triggers (load is read through a ref)
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef.current().then(
      (d) => { if (live) { setData(d); setError(undefined); setLoading(false); } },
      (e: unknown) => { if (live) { setError(describeError(e, what)); setLoading(false); } },
    );
    return () => { live = false; };
  }, [key, nonce, what]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload, setData };
}

export interface Form {
  values: FormValues;
  errors: FieldErrors;
  formError: UserError | undefined;
  submitting: boolean;
  set: (name: string, value: string | boolean) => void;
  reset: (values?: FormValues) => void;
  setErrors: (errors: FieldErrors) => void;
  /** Builds the body from the specs; on client errors shows them, else runs `send` and shows what fails. */
  submit: (send: (body: Record<string, unknown>) => Promise<void>, what?: string) => Promise<boolean>;
}

export function useForm(specs: Record<string, FieldSpec>, initial: FormValues): Form {
  const [values, setValues] = useState<FormValues>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<UserError | undefined>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const set = useCallback((name: string, value: string | boolean) => {
    setValues((v) => ({ ...v, [name]: value }));
    setErrors((e) => {
      if (!(name in e)) return e;
      const { [name]: _, ...rest } = e;
      return rest;
    });
  }, []);
  const reset = useCallback((v?: FormValues) => {
    setValues(v ?? initial);
    setErrors({});
    setFormError(undefined);
  }, [initial]);
  const submit = async (send: (body: Record<string, unknown>) => Promise<void>, what?: string) => {
    const { body, errors: clientErrors } = buildBody(specs, values);
    setFormError(undefined);
    if (Object.keys(clientErrors).length) {
      setErrors(clientErrors);
      return false;
    }
    setSubmitting(true);
    try {
      await send(body);
      setErrors({});
      return true;
    } catch (e) {
      const ue = describeError(e, what);
      setErrors(ue.fields);
      setFormError(ue);
      return false;
    } finally {
      setSubmitting(false);
    }
  };
  return { values, errors, formError, submitting, set, reset, setErrors, submit };
}

/** An object URL for bytes fetched with the token; revoked when the key changes or on unmount. */
export function useBlobUrl(fetchBlob: (() => Promise<Blob>) | undefined, key: string): { url: string | undefined; failed: boolean } {
  const [url, setUrl] = useState<string | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  const ref = useRef(fetchBlob);
  ref.current = fetchBlob;
  // biome-ignore lint/correctness/useExhaustiveDependencies: key is the trigger (fetchBlob is read through a ref)
  useEffect(() => {
    let live = true;
    let made: string | undefined;
    setUrl(undefined);
    setFailed(false);
    ref.current?.().then(
      (b) => { if (live) { made = URL.createObjectURL(b); setUrl(made); } },
      () => { if (live) setFailed(true); },
    );
    return () => { live = false; if (made) URL.revokeObjectURL(made); };
  }, [key]);
  return { url, failed };
}

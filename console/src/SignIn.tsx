// Sign-in: paste an admin bearer token, or (only where GET /dev/token answers 204) one-click dev sign-in.
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, devSignIn, devTokenAvailable } from './api.ts';

export function SignIn({ onSignIn, notice }: { onSignIn: (token: string) => void; notice: string | null }) {
  const [value, setValue] = useState('');
  const [dev, setDev] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    devTokenAvailable().then((ok) => { if (live) setDev(ok); });
    return () => { live = false; };
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const token = value.trim().replace(/^Bearer\s+/i, '');
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
      setError('That is not a JWT (three base64url parts separated by dots).');
      return;
    }
    onSignIn(token);
  };

  const devClick = async () => {
    setBusy(true);
    setError(null);
    try {
      onSignIn(await devSignIn('console-dev-admin'));
    } catch (err) {
      setError(err instanceof ApiError ? err.describe() : String(err));
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <h1>Migration console</h1>
      <p>Sign in with a bearer token that carries the <code>admin:flags</code> permission. It is kept in this tab only (sessionStorage).</p>
      {notice && <p role="alert" className="error">{notice}</p>}
      <form onSubmit={submit}>
        <label htmlFor="token">Admin bearer token</label>
        <textarea id="token" rows={4} value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} autoComplete="off" placeholder="eyJhbGciOiJSUzI1NiIs…" />
        <button type="submit">Sign in</button>
      </form>
      {dev && (
        <p>
          <button type="button" onClick={devClick} disabled={busy}>Dev sign-in (development key)</button>
        </p>
      )}
      {error && <p role="alert" className="error">{error}</p>}
    </main>
  );
}

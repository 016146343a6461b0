// Sign-in: Auth0 (redirect to its login page) or, with the dev tools on, a dev user name.
import { useState, type FormEvent } from 'react';
import { auth0SignIn, devSignIn } from '../auth/auth.ts';
import { devUserProblem, type AuthConfig } from '../auth/auth-config.ts';
import { describeError } from '../lib/errors.ts';

export function SignIn({ config, reason }: { config: AuthConfig; reason?: string }) {
  return (
    <section className="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to MotoVaultPro</h1>
      {reason ? <div className="alert warning" role="alert"><p>{reason}</p></div> : null}
      {config.mode === 'dev' ? <DevSignIn /> : null}
      {config.mode === 'auth0' ? (
        <button type="button" onClick={() => void auth0SignIn()}>Sign in with Auth0</button>
      ) : null}
      {config.mode === 'none' ? (
        <p>Sign-in is not configured on this server. Set the Auth0 settings (AUTH0_CLIENT_ID) or, in development, DEV_TOOLS=true.</p>
      ) : null}
    </section>
  );
}

function DevSignIn() {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = devUserProblem(name);
    if (problem) return setError(problem);
    setBusy(true);
    try {
      await devSignIn(name.trim());
    } catch (err) {
      const ue = describeError(err);
      setError(ue.fields.sub ?? ue.message);
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-label="Development sign-in" noValidate>
      <p className="hint">Development sign-in: pick any user name; each name has its own vehicles.</p>
      <div className={`field${error ? ' has-error' : ''}`}>
        <label htmlFor="dev-user">User name</label>
        <input id="dev-user" name="user" autoComplete="username" value={name} aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'dev-user-error' : undefined} onChange={(e) => { setName(e.target.value); setError(undefined); }} />
        {error ? <p className="field-error" id="dev-user-error">{error}</p> : null}
      </div>
      <button type="submit" disabled={busy}>Sign in</button>
    </form>
  );
}

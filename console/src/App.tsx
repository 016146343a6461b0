// The console's top level: no token → sign-in; a token → the dashboard (which handles 401/403).
import { useState } from 'react';
import { SignIn } from './SignIn.tsx';
import { Dashboard } from './Dashboard.tsx';

const TOKEN_KEY = 'mvp-console-token';

export function App() {
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const [notice, setNotice] = useState<string | null>(null);

  const signIn = (t: string) => {
    sessionStorage.setItem(TOKEN_KEY, t);
    setNotice(null);
    setToken(t);
  };
  const signOut = (why?: string) => {
    sessionStorage.removeItem(TOKEN_KEY);
    setNotice(why ?? null);
    setToken(null);
  };

  return token ? <Dashboard token={token} onSignOut={signOut} /> : <SignIn onSignIn={signIn} notice={notice} />;
}

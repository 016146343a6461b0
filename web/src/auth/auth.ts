// Sign-in state for the whole app: Auth0 (its SPA SDK, loaded only when configured) or the dev token
// endpoint; a tiny store that React reads with useSyncExternalStore.
import type { Auth0Client } from '@auth0/auth0-spa-js';
import { ApiError, errorFromResponse } from '../lib/api.ts';
import { devSessionValid, parseAuthConfig, type AuthConfig, type DevSession } from './auth-config.ts';

export type AuthState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'signed-out'; config: AuthConfig; reason?: string }
  | { status: 'signed-in'; config: AuthConfig; user: string };

const DEV_KEY = 'motovaultpro.devSession';


let state: AuthState = { status: 'loading' };
const listeners = new Set<() => void>();
let auth0: Auth0Client | undefined;
let dev: DevSession | undefined;

function set(next: AuthState) {
  state = next;
  for (const l of listeners) l();
}

export const authStore = {
  get: () => state,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

function readDevSession(): DevSession | undefined {
  try {
    const s = JSON.parse(sessionStorage.getItem(DEV_KEY) ?? 'null') as DevSession | null;
    return devSessionValid(s ?? undefined) ? (s as DevSession) : undefined;
  } catch {
    return undefined;
  }
}

/** Loads /auth/config and restores a session (dev token in sessionStorage, or Auth0's). */
export async function initAuth(): Promise<void> {
  set({ status: 'loading' });
  let config: AuthConfig;
  try {
    const res = await fetch('/auth/config', { headers: { accept: 'application/json' } });
    if (!res.ok) throw await errorFromResponse(res);
    config = parseAuthConfig(await res.json());
  } catch {
    set({ status: 'error', message: 'The service is temporarily unavailable. Please try again in a moment.' });
    return;
  }
  if (config.mode === 'dev') {
    dev = readDevSession();
    set(dev ? { status: 'signed-in', config, user: dev.user } : { status: 'signed-out', config });
    return;
  }
  if (config.mode === 'auth0') {
    try {
      const { createAuth0Client } = await import('@auth0/auth0-spa-js');
      const client = await createAuth0Client({
        domain: config.domain,
        clientId: config.clientId,
        authorizationParams: { audience: config.audience, redirect_uri: window.location.origin },
      });
      auth0 = client;
      const params = new URLSearchParams(window.location.search);
      if (params.has('code') && params.has('state')) {
        const result = (await client.handleRedirectCallback()) as { appState?: { returnTo?: string } };
        window.history.replaceState(null, '', result.appState?.returnTo ?? '/');
      }
      if (await client.isAuthenticated()) {
        const u = await client.getUser();
        set({ status: 'signed-in', config, user: u?.name ?? u?.email ?? u?.sub ?? 'signed in' });
      } else set({ status: 'signed-out', config });
    } catch {
      set({ status: 'signed-out', config, reason: 'Signing in with Auth0 failed. Please try again.' });
    }
    return;
  }
  set({ status: 'signed-out', config });
}

/** The bearer token for the next API call (undefined when signed out). */
export async function getToken(): Promise<string | undefined> {
  if (state.status !== 'signed-in') return undefined;
  if (state.config.mode === 'dev') return dev?.token;
  if (auth0) {
    try {
      return await auth0.getTokenSilently();
    } catch {
      expireSession();
      throw new ApiError(401, 'UNAUTHORIZED', 'Your session has expired');
    }
  }
  return undefined;
}

/** Dev sign-in: POST /dev/token { sub } → { token, expiresAt }. */
export async function devSignIn(user: string): Promise<void> {
  if (state.status !== 'signed-out' || state.config.mode !== 'dev') return;
  const config = state.config;
  let res: Response;
  try {
    res = await fetch('/dev/token', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ sub: user }) });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The server could not be reached');
  }
  if (!res.ok) throw await errorFromResponse(res);
  const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
  dev = { user, token, expiresAt };
  sessionStorage.setItem(DEV_KEY, JSON.stringify(dev));
  set({ status: 'signed-in', config, user });
}

export async function auth0SignIn(): Promise<void> {
  await auth0?.loginWithRedirect({ appState: { returnTo: window.location.pathname + window.location.search } });
}

export async function signOut(): Promise<void> {
  if (state.status !== 'signed-in') return;
  const config = state.config;
  dev = undefined;
  sessionStorage.removeItem(DEV_KEY);
  if (config.mode === 'auth0' && auth0) {
    await auth0.logout({ logoutParams: { returnTo: window.location.origin } });
    return;
  }
  set({ status: 'signed-out', config });
}

/** A 401 from the API: the token is no longer accepted, so the user signs in again. */
export function expireSession(): void {
  if (state.status !== 'signed-in') return;
  dev = undefined;
  sessionStorage.removeItem(DEV_KEY);
  set({ status: 'signed-out', config: state.config, reason: 'Your session has expired. Please sign in again.' });
}

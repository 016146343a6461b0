// The one API client of the app: tokens from the sign-in state, and a 401 signs the user out.
import { Api } from './api.ts';
import { expireSession, getToken } from '../auth/auth.ts';

export const api = new Api({ getToken, onUnauthorized: expireSession });

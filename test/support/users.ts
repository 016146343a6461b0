// A test user: a fresh random `sub`, a token signed for it, and an HTTP client that sends that token.
import { randomUUID } from 'node:crypto';
import { Client, type Endpoint } from './client.ts';

export interface TestUser {
  sub: string;
  token: string;
  client(endpoint: Endpoint): Client;
}

/** Adds the client to a signed user (stack/process-stack.ts makes them without one). */
export function userOf(u: { sub: string; token: string }): TestUser {
  return { ...u, client: (endpoint: Endpoint) => new Client(endpoint, u.token) };
}

export async function newTestUser(
  sign: (o: { sub: string; permissions?: string[] }) => Promise<string>,
  o: { permissions?: string[] } = {},
): Promise<TestUser> {
  const sub = `user-${randomUUID()}`;
  return userOf({ sub, token: await sign({ sub, permissions: o.permissions }) });
}

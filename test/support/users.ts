// A test user: a fresh random `sub`, a token signed for it, and an HTTP client that sends that token.
import { randomUUID } from 'node:crypto';
import { Client } from './client.ts';

export interface TestUser {
  sub: string;
  token: string;
  client(baseUrl: string): Client;
}

export async function newTestUser(
  sign: (o: { sub: string; permissions?: string[] }) => Promise<string>,
  o: { permissions?: string[] } = {},
): Promise<TestUser> {
  const sub = `user-${randomUUID()}`;
  const token = await sign({ sub, permissions: o.permissions });
  return { sub, token, client: (baseUrl: string) => new Client(baseUrl, token) };
}

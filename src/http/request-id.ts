// API.md: keep the caller's x-request-id when it is 1–128 chars of [A-Za-z0-9._-], otherwise make one.
import { randomUUID } from 'node:crypto';

const VALID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && VALID.test(header) ? header : randomUUID();
}

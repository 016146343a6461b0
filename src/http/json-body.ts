// The one JSON body parser both backends use (the Express middleware and the capsules' content-type
// parser), so the same bytes are accepted or refused the same way: strict UTF-8, at most MAX_JSON_DEPTH
// levels of nesting, no prototype-poisoning keys; anything else is INVALID_JSON.
import { AppError } from '../policy/errors.ts';

/** Deepest nesting of arrays/objects accepted; no body of the contract comes close (docs/api-notes.md). */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** true when the JSON text nests arrays/objects deeper than `max` (strings are skipped). O(n), no recursion. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

// What Fastify's parser (secure-json-parse) refuses: an own `__proto__` key, or `constructor.prototype`.
function poisoned(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Object.hasOwn(v, '__proto__')) return true;
    const ctor = Object.hasOwn(v, 'constructor') ? (v as { constructor: unknown }).constructor : undefined;
    if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) return true;
    for (const child of Object.values(v)) stack.push(child);
  }
  return false;
}

/** The parsed body, or an INVALID_JSON AppError. */
export function parseJsonBody(bytes: Buffer | string): unknown {
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : utf8.decode(bytes);
  } catch {
    throw new AppError('INVALID_JSON', 'Request body is not valid UTF-8');
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new AppError('INVALID_JSON', `Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('INVALID_JSON');
  }
  if ((text.includes('__proto__') || text.includes('constructor')) && poisoned(value)) throw new AppError('INVALID_JSON');
  return value;
}

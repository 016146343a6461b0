// The shadow stage's contract check (issue 31, docs/shadow.md "Contract"): Express's answer to a shadowed
// read checked against the OpenAPI document the gateway serves — status, content type and JSON body; the
// capture keeps no other header. A violation is a legacy bug the native capsule, built to the document,
// would not copy: it is reported apart from native/Express mismatches and never blocks the gate.
// Run by the replay worker; an answer's verdict depends only on its route, status, type and bytes, so the
// same answer is checked once (a bounded memo keyed by a hash of them).
import { createHash } from 'node:crypto';
import { ContractValidator, type Violation } from '../contract/openapi-validator.ts';
import type { Captured } from './compare.ts';

/** At most this many violations per answer are reported (the first ones, in the validator's order). */
const MAX_VIOLATIONS = 10;
const MEMO_ENTRIES = 1000;

export class ExpressContractCheck {
  private readonly validator: ContractValidator;
  private readonly memo = new Map<string, Violation[]>();

  constructor(document: unknown) {
    this.validator = new ContractValidator(document);
  }

  /** `route` is the sample's `METHOD /template`; null when no native route matched it (nothing to check against). */
  violations(route: string, answer: Captured): Violation[] | null {
    const space = route.indexOf(' ');
    const method = route.slice(0, space);
    const template = route.slice(space + 1);
    if (!template.startsWith('/')) return null;
    const key = createHash('sha1').update(`${route}\n${answer.status}\n${answer.contentType ?? ''}\n`).update(answer.body).digest('base64');
    const known = this.memo.get(key);
    if (known) return known;
    const found = this.validator.violations(method, template, answer.status, { 'content-type': answer.contentType }, parsedBody(answer), false).slice(0, MAX_VIOLATIONS);
    if (this.memo.size >= MEMO_ENTRIES) this.memo.delete(this.memo.keys().next().value ?? '');
    this.memo.set(key, found);
    return found;
  }
}

/** The JSON body, or undefined for an empty or non-JSON one (the validator then checks the type alone). */
function parsedBody(answer: Captured): unknown {
  if (answer.body.length === 0 || !/json/i.test(answer.contentType ?? '')) return undefined;
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    return '(not JSON)';
  }
}

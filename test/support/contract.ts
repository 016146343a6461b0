// The committed OpenAPI document (docs/openapi.json) as a checker of answers: the parity suite runs every
// answer of every backend through `answerViolations`; `violations` is the validator's own signature.
import { readFileSync } from 'node:fs';
import { ContractValidator, type Headers, type Violation } from '../../src/contract/openapi-validator.ts';
import { COMMITTED_DOCUMENT } from '../../src/contract/build-document.ts';
import { RouteTemplates } from '../../src/routing/route-templates.ts';
import type { ApiResponse } from './client.ts';

export type { Violation } from '../../src/contract/openapi-validator.ts';

const document: unknown = JSON.parse(readFileSync(COMMITTED_DOCUMENT, 'utf8'));
const validator = new ContractValidator(document);

// The documented templates, matched the way the gateway's router matches requests.
const templates = new RouteTemplates();
const paths = typeof document === 'object' && document !== null && 'paths' in document && typeof document.paths === 'object' && document.paths !== null ? document.paths : {};
for (const [path, item] of Object.entries(paths)) {
  for (const method of Object.keys(item)) templates.add(method.toUpperCase(), path.replace(/\{([^}]+)\}/g, ':$1'));
}

export function violations(method: string, routeTemplate: string | undefined, status: number, headers: Headers, body: unknown): Violation[] {
  return validator.violations(method, routeTemplate, status, headers, body);
}

/** What the contract says is wrong with this answer to `method path` (path may carry a query string). */
export function answerViolations(method: string, path: string, res: ApiResponse): Violation[] {
  const label = templates.match(method, path);
  const template = label === undefined ? undefined : label.slice(label.indexOf(' ') + 1);
  return violations(method, template, res.status, res.headers, res.body);
}

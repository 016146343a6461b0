// "Every route" claims made checkable: which native routes (as the capsules registered them) no request
// of a suite reached. Requests are matched to templates the way the shadow reports do (src/routing/route-templates.ts).
import type { NativeRoute } from '../../src/capsules/capsules-plugin.ts';
import { RouteTemplates, templateLabel } from '../../src/routing/route-templates.ts';

export interface RequestLine {
  method: string;
  path: string;
}

export interface Coverage {
  /** Native routes (HEAD twins of GET routes aside) that no request matched, as "METHOD /template". */
  uncovered: string[];
  /** Requests that matched no native route. */
  unmatched: RequestLine[];
}

export function coverage(routes: readonly NativeRoute[], requests: Iterable<RequestLine>): Coverage {
  const wanted = routes.filter((r) => r.method !== 'HEAD');
  const templates = new RouteTemplates();
  for (const r of wanted) templates.add(r.method, r.url);
  const hit = new Set<string>();
  const unmatched: RequestLine[] = [];
  for (const request of requests) {
    const template = templates.match(request.method, request.path);
    if (template) hit.add(template);
    else unmatched.push(request);
  }
  return { uncovered: [...new Set(wanted.map((r) => templateLabel(r.method, r.url)))].filter((k) => !hit.has(k)).sort(), unmatched };
}

/** Parses "METHOD /path?query" lines as the parity runner records them. */
export function parseRequestLine(line: string): RequestLine {
  const space = line.indexOf(' ');
  return { method: line.slice(0, space), path: line.slice(space + 1) };
}

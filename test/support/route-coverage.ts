// "Every route" claims made checkable: which native routes (as the capsules registered them) no request
// of a suite reached. Requests are matched to route templates by find-my-way, the gateway's own router.
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { NativeRoute } from '../../src/capsules/plugin.ts';

export interface RequestLine {
  method: string;
  path: string;
}

const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

export interface Coverage {
  /** Native routes (HEAD twins of GET routes aside) that no request matched, as "METHOD /template". */
  uncovered: string[];
  /** Requests that matched no native route. */
  unmatched: RequestLine[];
}

export function coverage(routes: readonly NativeRoute[], requests: Iterable<RequestLine>): Coverage {
  const wanted = routes.filter((r) => r.method !== 'HEAD');
  const router = FindMyWay({ ignoreTrailingSlash: true });
  for (const r of wanted) router.on(r.method as HTTPMethod, r.url, () => {}, { template: key(r) });
  const hit = new Set<string>();
  const unmatched: RequestLine[] = [];
  for (const request of requests) {
    let template: string | undefined;
    try {
      const store = router.find(request.method as HTTPMethod, request.path.split('?')[0])?.store as { template?: string } | undefined;
      template = store?.template;
    } catch {
      // a deliberately malformed path in a suite matches no route
    }
    if (template) hit.add(template);
    else unmatched.push(request);
  }
  return { uncovered: [...new Set(wanted.map(key))].filter((k) => !hit.has(k)).sort(), unmatched };
}

/** Parses "METHOD /path?query" lines as the parity runner records them. */
export function parseRequestLine(line: string): RequestLine {
  const space = line.indexOf(' ');
  return { method: line.slice(0, space), path: line.slice(space + 1) };
}

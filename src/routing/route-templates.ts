// The native route templates (`GET /api/vehicles/:id`, from the capsules' registered routes), matched per request
// so a request is labelled by its template — never its raw URL — in metrics, traces and comparison reports,
// whichever backend served it. Matching is find-my-way's, the router Fastify itself uses, so precedence agrees.
import FindMyWay, { type HTTPMethod } from 'find-my-way';

/** "METHOD /a/b" without a trailing slash: one label however the route was written. */
export function templateLabel(method: string, url: string): string {
  return `${method} /${url.split('/').filter(Boolean).join('/')}`;
}

export class RouteTemplates {
  private readonly router = FindMyWay({ ignoreTrailingSlash: true });
  private readonly known = new Set<string>();

  add(method: string, url: string): void {
    const label = templateLabel(method, url);
    if (this.known.has(label)) return; // `/x` and `/x/` are one route under ignoreTrailingSlash
    this.known.add(label);
    this.router.on(method as HTTPMethod, url, () => {}, { label });
  }

  /** The template serving `method path` (query string ignored), or undefined when no native route does. */
  match(method: string, url: string): string | undefined {
    const own = this.find(method, url);
    if (own || method !== 'HEAD') return own;
    const get = this.find('GET', url); // HEAD is answered by the GET route
    return get && `HEAD ${get.slice(4)}`;
  }

  private find(method: string, url: string): string | undefined {
    const q = url.indexOf('?');
    try {
      const store = this.router.find(method as HTTPMethod, q === -1 ? url : url.slice(0, q))?.store as { label?: string } | undefined;
      return store?.label;
    } catch {
      return undefined; // an undecodable path matches no route
    }
  }
}

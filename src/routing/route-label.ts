// The route template a request is counted and traced under (`/api/vehicles/:id`), never its raw URL, so
// a label's values stay few and hold no ids or coordinates. A proxied request is labelled with the native
// route that would have served it (both backends of a route then share one label), else its feature's prefix.
import { RouteTemplates } from './route-templates.ts';

/** The label of a request that matched no route at all (a 404 before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

export interface RouteOf {
  method: string;
  url: string;
  /** The matched route's template (Fastify's routeOptions.url), if any. */
  routeUrl: string | undefined;
  /** Set when the request was proxied to the legacy app: its feature's URL prefix, or '' outside every feature. */
  proxiedPrefix?: string;
}

export class RouteLabels {
  private readonly native = new RouteTemplates();
  /** Normalised once per route template (`/x/` and `/x` are one route under ignoreTrailingSlash). */
  private readonly normalised = new Map<string, string>();

  /** A native route (every capsule route, full template). */
  addNative(method: string, url: string): void {
    this.native.add(method, url);
  }

  of({ method, url, routeUrl, proxiedPrefix }: RouteOf): string {
    if (proxiedPrefix) {
      const template = this.native.match(method, url); // "GET /api/vehicles/:id"
      return template ? template.slice(template.indexOf(' ') + 1) : `${proxiedPrefix}/*`;
    }
    if (routeUrl === undefined) return UNMATCHED_ROUTE;
    let label = this.normalised.get(routeUrl);
    if (label === undefined) {
      label = `/${routeUrl.split('/').filter(Boolean).join('/')}`;
      this.normalised.set(routeUrl, label);
    }
    return label;
  }
}

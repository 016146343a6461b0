// The native route templates (`GET /api/vehicles/:id`, from the capsules' registered routes), matched per request
// so a shadowed request is reported under its template — never its raw URL — even when it is skipped
// before the native run. Static segments win over `:params`, which win over `*`, as in Fastify's router.
interface Template { label: string; segments: string[]; rank: number[] }

const rankOf = (s: string) => (s === '*' ? 2 : s.startsWith(':') ? 1 : 0);

function split(path: string): string[] {
  return path.split('/').filter(Boolean);
}

export class RouteTemplates {
  private readonly byMethod = new Map<string, Template[]>();

  add(method: string, url: string): void {
    const segments = split(url);
    const label = `${method} /${segments.join('/')}`;
    const list = this.byMethod.get(method) ?? [];
    if (list.some((t) => t.label === label)) return;
    list.push({ label, segments, rank: segments.map(rankOf) });
    list.sort((a, b) => {
      for (let i = 0; i < Math.max(a.rank.length, b.rank.length); i++) {
        const d = (a.rank[i] ?? -1) - (b.rank[i] ?? -1);
        if (d) return d;
      }
      return 0;
    });
    this.byMethod.set(method, list);
  }

  /** The template serving `method path` (query string ignored), or undefined when no native route does. */
  match(method: string, url: string): string | undefined {
    const q = url.indexOf('?');
    const parts = split(q === -1 ? url : url.slice(0, q));
    const list = this.byMethod.get(method) ?? (method === 'HEAD' ? this.byMethod.get('GET') : undefined);
    const hit = list?.find((t) => fits(t.segments, parts));
    return hit && (method === 'HEAD' && !hit.label.startsWith('HEAD') ? `HEAD ${hit.label.slice(4)}` : hit.label);
  }
}

function fits(template: string[], parts: string[]): boolean {
  for (let i = 0; i < template.length; i++) {
    const s = template[i];
    if (s === '*') return true;
    if (i >= parts.length) return false;
    if (!s.startsWith(':') && s !== parts[i]) return false;
  }
  return template.length === parts.length;
}

// Load for the progressive-delivery suites: many users' requests spread over several gateways, every
// answer recorded (user, gateway, status, x-backend, body) so stickiness, share and failures can be judged.
import { call, describeRes, type TimedResponse } from '../../faults/support/http.ts';

export interface Hit { user: number; gateway: number; at: number; res: TimedResponse }

export interface LoadOptions {
  gateways: () => string[];
  tokens: string[];
  concurrency: number;
  /** What one request is (default GET /api/vehicles). */
  request?: (user: number, gateway: string, token: string) => Promise<TimedResponse>;
  pauseMs?: number;
}

export function startLoad(o: LoadOptions) {
  const hits: Hit[] = [];
  let stopped = false;
  let next = 0;
  const request = o.request ?? ((_u, gw, token) => call(gw, 'GET', '/api/vehicles', { token, timeoutMs: 10_000 }));
  const worker = async () => {
    while (!stopped) {
      const user = next++ % o.tokens.length;
      const gws = o.gateways();
      const gateway = Math.floor(Math.random() * gws.length);
      const res = await request(user, gws[gateway], o.tokens[user]);
      hits.push({ user, gateway, at: Date.now(), res });
      if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs));
    }
  };
  const done = Promise.all(Array.from({ length: o.concurrency }, worker));
  return {
    hits,
    async stop() {
      stopped = true;
      await done;
      return hits;
    },
  };
}

export const injected = (r: TimedResponse) => r.status === 500 && r.headers['x-backend'] === 'fastify' && /Injected fault/.test(r.text);

/** Every hit that is neither a 2xx nor an injected fault, described. */
export function failures(hits: Hit[]): string[] {
  return hits.filter((h) => !(h.res.status >= 200 && h.res.status < 300) && !injected(h.res)).map((h) => `user ${h.user} via gateway ${h.gateway}: ${describeRes(h.res)}`);
}

// The one call the legacy proxy makes for shadow traffic: given a proxied answer (status and headers
// already on the reply), returns the body stream to send — a pass-through capture when the request is
// sampled, the untouched stream otherwise (and always when the shadow plugin is not registered).
import type { Readable } from 'node:stream';
import type { FeatureDef } from '../../flags/registry.ts';

/** What the tap reads of a proxied request (any Fastify request fits). */
export interface ProxiedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  feature: FeatureDef | null;
}

/** What the tap reads of the reply: status and headers copied from Express's answer. */
export interface ProxiedReply {
  statusCode: number;
  getHeader(name: string): number | string | string[] | undefined;
}

export interface ShadowTap {
  tap(request: ProxiedRequest, reply: ProxiedReply, body: Readable): Readable;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by the shadow plugin. */
    shadowTap?: ShadowTap;
  }
}

export function proxiedBody(request: ProxiedRequest & { server: { shadowTap?: ShadowTap } }, reply: ProxiedReply, body: Readable): Readable {
  const tap = request.server.shadowTap;
  return tap ? tap.tap(request, reply, body) : body;
}

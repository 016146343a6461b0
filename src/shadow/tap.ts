// Where shadow traffic meets the gateway: every route the legacy proxy registers (`config.backend` express)
// gets a route-level onSend hook that hands Express's streamed answer to the tap, which returns the body to
// send: always the proxy's own stream (a sampled body is copied as it flows into the response). Only those
// routes pay for it (no hook on any other route), and the proxy knows nothing of it. The shadow plugin must
// be registered before the proxy for its onRoute hook to see the proxy's routes.
import type { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { FastifyInstance, onSendHookHandler } from 'fastify';
import type { FeatureDef } from '../../flags/registry.ts';

/** What the tap reads of a proxied request (any Fastify request fits). */
export interface ProxiedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  feature: FeatureDef | null;
  /** The verified user (the gateway checks the token before proxying); null when the token did not verify. */
  user: unknown;
}

/** What the tap reads of the reply: status and headers copied from Express's answer, and the response the body is piped into. */
export interface ProxiedReply {
  statusCode: number;
  getHeader(name: string): number | string | string[] | undefined;
  raw: EventEmitter;
}

export interface ShadowTap {
  tap(request: ProxiedRequest, reply: ProxiedReply, body: Readable): Readable;
}

export function tapProxiedAnswers(app: FastifyInstance, tap: ShadowTap): void {
  // Synchronous (`done`): no Promise per proxied answer. Error answers (a string payload) pass untouched.
  const capture: onSendHookHandler = (request, reply, payload, done) => {
    done(null, payload instanceof Readable ? tap.tap(request, reply, payload) : payload);
  };
  app.addHook('onRoute', (route) => {
    if (route.config?.backend !== 'express') return;
    route.onSend = [...[route.onSend ?? []].flat(), capture];
  });
}

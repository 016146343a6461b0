// What a feature request is worth to the guard, the ramp and GET /admin/live (docs/progressive-delivery.md
// "What counts as evidence"): only a request whose token verified and that reached the feature's handler
// counts, on either backend; everything else is counted apart as refused. Its latency is the server's time:
// from the request body fully received to the answer starting, so a slow client never looks like a slow backend.
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set right before the feature's handler runs (native route) or the request is forwarded (proxy). */
    reachedHandler: boolean;
    /** When the request body was fully received, in ms since the request began (0: no body, or not yet). */
    bodyReceivedMs: number;
    /** The server's time on the request: body received → answer started (ms); -1 until the answer starts. */
    serverMs: number;
  }
}

/** The request is about to run the feature's handler (or to be forwarded to the legacy app). */
export function markHandled(request: FastifyRequest): void {
  request.reachedHandler = true;
}

/** Evidence: a verified token (request.user, set by the capsule's auth hook or the proxy's check) and the handler reached. */
export function isEvidence(request: FastifyRequest, status: number): boolean {
  return request.user !== null && request.reachedHandler && status !== 401 && status !== 403;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** onRequest: remember when the body has been fully read (by the capsule's parser or the proxy). */
export function watchBody(request: FastifyRequest, reply: FastifyReply): void {
  if (hasBody(request)) request.raw.once('end', () => { request.bodyReceivedMs = reply.elapsedTime; });
}

/** onSend: the answer starts now (for the proxy: the legacy app's response head has arrived). */
export function answerStarts(request: FastifyRequest, reply: FastifyReply): void {
  // A body still arriving did not hold the answer back: the time counts from the request's start.
  request.serverMs = reply.elapsedTime - request.bodyReceivedMs;
}

/** The latency to record: the server's time, or, when the answer never went through onSend, up to now. */
export function serverTimeOf(request: FastifyRequest, reply: FastifyReply): number {
  return request.serverMs >= 0 ? request.serverMs : reply.elapsedTime - request.bodyReceivedMs;
}

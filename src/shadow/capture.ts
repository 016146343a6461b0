// A copy of the proxied Express body, taken as it streams to the client. The client's stream is the proxy's
// own, untouched: the copy only listens to its 'data' events, added when Fastify pipes the body into the
// response (the response's 'pipe' event, emitted inside pipe(), before anything can flow), so it never
// starts, pauses or reorders the flow.
// No stream of its own in between: a pass-through stream per sample made the gateway's young-generation
// collections four times longer (measured: benchmarks/shadow-overhead.ts, docs/shadow.md "Cost").
// Reports the outcome once the body has ended, was too large, or the transfer broke.
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';

/** `body` is a fresh, exactly sized buffer of its own: sending it to the replay worker copies only its bytes. */
export type CaptureOutcome = { kind: 'complete'; body: Buffer } | { kind: 'too_large' } | { kind: 'aborted' };

/** The chunks in one buffer that owns its whole ArrayBuffer (never a slice of Node's shared pool). */
function ownedConcat(chunks: readonly Buffer[], size: number): Buffer {
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const c of chunks) at += c.copy(out, at);
  return out;
}

/**
 * Watches `source`, which will be piped into `destination` (the client's response), and calls `done` once (never on the client's path: on a later turn of the event loop).
 * `expectedBytes` (the answer's content-length, when it had one; 0 for an answer without a body) guards the
 * copy: a body of another size is reported `aborted`, never compared.
 */
export function captureBody(source: Readable, destination: EventEmitter, maxBytes: number, expectedBytes: number | undefined, done: (outcome: CaptureOutcome) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  let reported = false;
  const report = (outcome: CaptureOutcome) => {
    if (reported) return;
    reported = true;
    setImmediate(done, outcome);
  };
  const onData = (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > maxBytes) {
      over = true;
      chunks.length = 0;
    } else {
      chunks.push(chunk);
    }
  };
  // Listening from the pipe on, the copy sees every chunk. A body that ended unpiped (Fastify drains a 204's)
  // was copied only if it had to be empty.
  let piped = false;
  const onPipe = (from: unknown) => {
    if (from !== source) return;
    piped = true;
    destination.off('pipe', onPipe);
    source.on('data', onData);
  };
  destination.on('pipe', onPipe);
  source.once('end', () => {
    if (over) report({ kind: 'too_large' });
    else if ((expectedBytes !== undefined && expectedBytes !== size) || (!piped && expectedBytes !== 0)) report({ kind: 'aborted' });
    else report({ kind: 'complete', body: ownedConcat(chunks, size) });
  });
  source.once('error', () => report({ kind: 'aborted' }));
  source.once('close', () => {
    if (!source.readableEnded) report({ kind: 'aborted' }); // the client went away, or the upstream broke
  });
}

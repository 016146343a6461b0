// A pass-through copy of the proxied Express body: every chunk flows on to the client unchanged and at
// once, and is kept (up to `maxBytes`) for the comparison. Reports the outcome once the body has ended,
// was too large, or the transfer broke (then the client side fails exactly as it would without the copy).
import { Transform, pipeline, type Readable } from 'node:stream';

export type CaptureOutcome = { kind: 'complete'; body: Buffer } | { kind: 'too_large' } | { kind: 'aborted' };

export function captureStream(source: Readable, maxBytes: number, done: (outcome: CaptureOutcome) => void): Readable {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  let reported = false;
  const report = (outcome: CaptureOutcome) => {
    if (reported) return;
    reported = true;
    setImmediate(done, outcome); // never on the client's path
  };
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!over) {
        size += chunk.length;
        if (size > maxBytes) {
          over = true;
          chunks.length = 0;
        } else {
          chunks.push(chunk);
        }
      }
      callback(null, chunk);
    },
    flush(callback) {
      report(over ? { kind: 'too_large' } : { kind: 'complete', body: Buffer.concat(chunks, size) });
      callback();
    },
  });
  pipeline(source, tee, (err) => {
    if (err) report({ kind: 'aborted' });
  });
  return tee;
}

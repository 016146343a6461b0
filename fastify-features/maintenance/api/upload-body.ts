// How both backends hand a receipt upload's request body to storage, and clean up when it is refused.
// - Through a PassThrough: a refused upload destroys the stream it reads, and destroying the request
//   itself would reset the connection, sometimes before the 413/415 is written.
// - When refused, the rest of the body is read and dropped before answering: a proxy in front (the
//   gateway's, for the legacy app) takes an answer that arrives while it is still sending for a broken
//   connection (503). Past a cap the connection is closed instead.
import { PassThrough, type Readable } from 'node:stream';
import { RECEIPT_MAX_BYTES } from './schemas.ts';

const DISCARD_MAX_BYTES = 2 * RECEIPT_MAX_BYTES;

export interface TakenBody {
  body: Readable;
  /** After a refusal: drops the unread rest; false when the connection should be closed instead. */
  release(): Promise<boolean>;
}

export function takeBody(source: Readable): TakenBody {
  const body = source.pipe(new PassThrough());
  return {
    body,
    release() {
      source.unpipe(body);
      if (source.readableEnded) return Promise.resolve(true);
      if (source.destroyed) return Promise.resolve(false);
      return discard(source, DISCARD_MAX_BYTES);
    },
  };
}

function discard(source: Readable, maxBytes: number): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (ok: boolean) => {
      source.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onFail);
      if (!ok) source.pause();
      resolve(ok);
    };
    const onData = (chunk: Buffer) => { if ((seen += chunk.length) > maxBytes) finish(false); };
    const onEnd = () => finish(true);
    const onFail = () => finish(false);
    source.on('data', onData).once('end', onEnd).once('error', onFail).once('close', onFail);
    source.resume();
  });
}

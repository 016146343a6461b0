// Small helpers for the vehicles tests (not a test file itself).
import http from 'node:http';

export { randomVin } from '../../../dev/fake-externals/vins.ts';

/**
 * PUT of `chunks` × `chunkSize` bytes with chunked transfer encoding (no content-length), the way a
 * client streaming a file sends it. Resolves with the answer even when the server stops reading early.
 */
export function streamUpload(baseUrl: string, token: string, path: string, contentType: string, chunks: number, chunkSize: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'transfer-encoding': 'chunked' },
    }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        req.destroy(); // a server that answered early (413) reads no more: stop sending
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
      res.on('error', reject);
    });
    let answered = false;
    req.on('response', () => { answered = true; });
    req.on('error', (err) => { if (!answered) reject(err); });
    const chunk = Buffer.alloc(chunkSize, 9);
    let sent = 0;
    const writeMore = () => {
      while (sent < chunks && !answered) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', writeMore);
      }
      if (!answered) req.end();
    };
    writeMore();
  });
}

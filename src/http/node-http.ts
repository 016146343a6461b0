// node:http, required rather than imported. An ES import of node:http builds its ES facade by reading every
// export, including the lazy `WebSocket`, `CloseEvent` and `MessageEvent` getters, and so loads Node's
// bundled undici in a gateway that never opens a WebSocket (idle memory for nothing: docs/performance.md).
// `require` leaves those getters untouched.
import https from 'node:https'; // an ES import of node:https leaves node:http's getters alone
import { createRequire } from 'node:module';

export const http: typeof import('node:http') = createRequire(import.meta.url)('node:http');

/** The client module for a URL: node:https for https:, node:http otherwise. */
export const clientFor = (url: URL) => (url.protocol === 'https:' ? https : http);

/**
 * For health pings: resolves with the status of a `method` request to `url` (no body read), or null on a
 * connection error or no answer within `timeoutMs`. Never rejects.
 */
export function httpStatus(url: URL, method: 'GET' | 'HEAD', timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const req = clientFor(url).request(url, { method, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('error', () => resolve(null));
    req.end();
  });
}

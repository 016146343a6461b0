// node:http, required rather than imported. An ES import of node:http builds its ES facade by reading every
// export, including the lazy `WebSocket`, `CloseEvent` and `MessageEvent` getters, and so loads Node's
// bundled undici in a gateway that never opens a WebSocket (idle memory for nothing: docs/performance.md).
// `require` leaves those getters untouched.
import https from 'node:https'; // an ES import of node:https leaves node:http's getters alone
import { createRequire } from 'node:module';

export const http: typeof import('node:http') = createRequire(import.meta.url)('node:http');

/** The client module for a URL: node:https for https:, node:http otherwise. */
export const clientFor = (url: URL) => (url.protocol === 'https:' ? https : http);

// node:http, required rather than imported. An ES import of node:http builds its ES facade by reading every
// export, including the lazy `WebSocket`, `CloseEvent` and `MessageEvent` getters, and so loads Node's
// bundled undici: +13 MB RSS and +2.3 MB of heap in a gateway that never opens a WebSocket
// (benchmarks/findings.md, eighth round). `require` leaves those getters untouched.
import { createRequire } from 'node:module';

export const http: typeof import('node:http') = createRequire(import.meta.url)('node:http');

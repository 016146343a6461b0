// The proxy's floor: forwarding every request to the legacy app on bare node:http with undici's pool (the
// client @fastify/http-proxy uses, with the gateway's pool settings) and nothing else: no routing, hooks,
// helmet or rate-limit headers, error mapping or forwarded headers. Hop-by-hop headers are dropped the
// gateway's way. `benchmarks/paired.ts` (kind `proxy-floor`) sets it beside the gateway's proxied path:
// the difference is what the gateway adds to a proxied request; the floor itself is what any Node proxy pays.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';
import { AppError } from '../../src/policy/errors.ts';
import { withoutHopByHop } from '../../src/routing/legacy-proxy.ts';

// It needs only these three settings (stack/apps.ts gives every app its PORT and HOST), not the app's config.
const { LEGACY_URL, PORT = '3001', HOST = '127.0.0.1' } = process.env;
if (!LEGACY_URL) {
  console.error('proxy floor: LEGACY_URL is required');
  process.exit(2);
}
const pool = new Pool(LEGACY_URL, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
const upstreamHost = new URL(LEGACY_URL).host;
const unavailable = new AppError('BACKEND_UNAVAILABLE'); // the gateway's answer when the legacy app is down
const unavailableBody = JSON.stringify(unavailable.toBody());

/** The client's headers minus hop-by-hop ones, addressed to the legacy app (as reply-from does): one copy. */
function requestHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out = withoutHopByHop(headers);
  out.host = upstreamHost;
  return out;
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  pool.request({ method: req.method ?? 'GET', path: req.url ?? '/', headers: requestHeaders(req.headers), body: hasBody ? req : null })
    .then(({ statusCode, headers, body }) => {
      if (res.destroyed) return void body.dump(); // the client went away while the legacy app answered
      res.writeHead(statusCode, withoutHopByHop(headers));
      pipeline(body, res, () => {});
    }, () => {
      if (res.destroyed) return;
      res.writeHead(unavailable.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(unavailableBody);
    });
});
server.listen(Number(PORT), HOST);

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    server.close();
    server.closeIdleConnections();
    void pool.close().finally(() => process.exit(0));
  });
}

// Test-only noise source: an HTTP proxy in front of the legacy app that adds a field with a fresh random
// value to every JSON object it answers, so two Express answers to the same request always differ there.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export async function startVolatileProxy(upstream: string, field: string): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      const parts: Buffer[] = [];
      ur.on('data', (c: Buffer) => parts.push(c));
      ur.on('end', () => {
        let body = Buffer.concat(parts);
        const headers = { ...ur.headers };
        if (/json/.test(String(ur.headers['content-type'])) && body.length) {
          const value = JSON.parse(body.toString('utf8'));
          if (value && typeof value === 'object' && !Array.isArray(value)) {
            body = Buffer.from(JSON.stringify({ ...value, [field]: randomUUID() }));
            headers['content-length'] = String(body.length);
            delete headers.etag;
          }
        }
        res.writeHead(ur.statusCode ?? 502, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
      });
    });
    up.on('error', () => { res.writeHead(502).end(); });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

// A TCP proxy that delays every chunk flowing back from its target by `delayMs` (order kept), so a
// test can slow the legacy app down without touching it.
import net from 'node:net';

export interface SlowProxy {
  readonly url: string;
  delayMs: number;
  close(): Promise<void>;
}

export async function startSlowProxy(target: URL): Promise<SlowProxy> {
  const sockets = new Set<net.Socket>();
  const proxy: SlowProxy = { url: '', delayMs: 0, close: async () => {} };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let due = 0;
    client.pipe(upstream);
    upstream.on('data', (chunk) => {
      due = Math.max(Date.now() + proxy.delayMs, due);
      const wait = due - Date.now();
      if (wait <= 0) client.write(chunk);
      else setTimeout(() => { if (!client.destroyed) client.write(chunk); }, wait);
    });
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    upstream.on('close', () => setTimeout(end, Math.max(0, due - Date.now())));
    client.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  });
  return proxy;
}

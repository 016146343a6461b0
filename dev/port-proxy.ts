// The stable port of an app under `make dev`: a TCP forwarder in the supervisor to whichever process is
// current. A reload starts the new process on a free port beside the old one and switches the forwarder
// only once the new one answers, so the last good app serves until then (and keeps serving when the new
// code does not start). Connections already open stay with the process they reached.
import { connect, createServer, type Socket } from 'node:net';

export interface PortProxy {
  /** Where new connections go (a port on 127.0.0.1); undefined: refused until an app is up. */
  target: number | undefined;
  close(): Promise<void>;
}

export async function listenPortProxy(port: number, host: string): Promise<PortProxy> {
  const proxy: PortProxy = { target: undefined, close: async () => {} };
  const open = new Set<Socket>();
  const server = createServer((client) => {
    if (proxy.target === undefined) return void client.destroy();
    const upstream = connect(proxy.target, '127.0.0.1');
    open.add(client);
    client.once('close', () => open.delete(client));
    client.pipe(upstream).pipe(client);
    // Either side failing or closing ends the pair (the app gone: the client sees its connection reset).
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  proxy.close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    for (const s of open) s.destroy();
  });
  return proxy;
}

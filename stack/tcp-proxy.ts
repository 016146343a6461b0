// A TCP proxy the tests own, put between the apps and a real service (PostgreSQL, Redis, S3), so an
// outage can be simulated and lifted without touching the machine's services.
//   up        — bytes flow both ways
//   reset     — every open connection is reset; new connections are accepted and reset at once
//   refuse    — the listener is closed (connect → ECONNREFUSED); restored on the same port
//   blackhole — open connections stall, new ones are accepted and never answered (timeouts)
//   pause     — a stalled link that recovers: nothing is forwarded, nothing is lost; back to `up`, every
//               byte held in between is delivered in order (a network partition that heals)
import net from 'node:net';

export type ProxyMode = 'up' | 'reset' | 'refuse' | 'blackhole' | 'pause';

export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  readonly mode: ProxyMode;
  /** Connections accepted since start (all modes). */
  readonly accepted: number;
  setMode(mode: ProxyMode): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream?: net.Socket;
}

function kill(socket: net.Socket | undefined): void {
  if (!socket || socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

export async function startTcpProxy(target: { host: string; port: number }, listenHost = '127.0.0.1'): Promise<TcpProxy> {
  let mode: ProxyMode = 'up';
  let accepted = 0;
  const pairs = new Set<Pair>();

  const onConnection = (client: net.Socket) => {
    accepted++;
    client.on('error', () => {});
    const pair: Pair = { client };
    pairs.add(pair);
    client.on('close', () => {
      pairs.delete(pair);
      kill(pair.upstream);
    });
    if (mode === 'reset') return kill(client);
    if (mode === 'blackhole') {
      client.resume(); // read and drop
      return;
    }
    if (mode === 'pause') {
      client.pause(); // held until the link recovers
      return;
    }
    connect(pair);
  };

  const connect = (pair: Pair) => {
    const { client } = pair;
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => kill(client));
    upstream.on('close', () => kill(client));
    client.pipe(upstream);
    upstream.pipe(client);
  };

  let server = net.createServer(onConnection);
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, listenHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;

  const dropAll = () => {
    for (const p of pairs) {
      kill(p.client);
      kill(p.upstream);
    }
    pairs.clear();
  };
  const pauseAll = () => {
    for (const p of pairs) {
      p.client.unpipe();
      p.upstream?.unpipe();
      p.client.pause();
      p.upstream?.pause();
    }
  };
  const resumeAll = () => {
    for (const p of pairs) {
      if (!p.upstream) {
        connect(p);
        continue;
      }
      p.client.pipe(p.upstream);
      p.upstream.pipe(p.client);
    }
  };
  const stallAll = () => {
    for (const p of pairs) {
      p.client.unpipe();
      p.upstream?.unpipe();
      p.client.resume();
      p.upstream?.resume();
    }
  };

  return {
    host: listenHost,
    port,
    get mode() { return mode; },
    get accepted() { return accepted; },
    async setMode(next) {
      if (next === mode) return;
      const prev = mode;
      mode = next;
      if (prev === 'refuse') {
        server = net.createServer(onConnection);
        // The port was ours a moment ago; retry briefly in case the kernel has not released it yet.
        for (let i = 0; ; i++) {
          try {
            await listen(port);
            break;
          } catch (err) {
            if (i > 50) throw err;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      }
      if (prev === 'pause' && next === 'up') {
        resumeAll();
        return;
      }
      if (prev === 'pause') dropAll();
      if (next === 'pause') {
        pauseAll();
        return;
      }
      if (next === 'refuse') {
        const closed = new Promise<void>((r) => server.close(() => r()));
        dropAll();
        await closed;
      } else if (next === 'reset') {
        dropAll();
      } else if (next === 'blackhole') {
        stallAll();
      } else if (prev === 'blackhole') {
        dropAll(); // stalled connections never recover; their owners reconnect
      }
    },
    async close() {
      // Plain destroy: a socket reset while its peer is in the same process can keep its handle open.
      for (const p of pairs) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      pairs.clear();
      if (mode !== 'refuse') await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

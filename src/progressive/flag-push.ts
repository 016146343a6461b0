// Flag push: a dedicated PostgreSQL connection LISTENing on the flag channel (and any other channel a
// caller registers, e.g. the dev fault injection). A notification runs that channel's reload at once;
// the connection reconnects after a failure and reloads everything on reconnect (a change may have
// been missed). The stores' polling stays as the fallback, and a failed reload keeps the last state.
import pg from 'pg';

export interface FlagPushOptions {
  databaseUrl: string;
  /** channel → what to do when it fires (also run after every reconnect). */
  channels: Map<string, () => Promise<void>>;
  reconnectMs: number;
  onError?: (err: unknown) => void;
  onConnected?: () => void;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

export class FlagPush {
  private readonly o: FlagPushOptions;
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private connecting = false;

  constructor(opts: FlagPushOptions) {
    for (const c of opts.channels.keys()) if (!IDENT.test(c)) throw new Error(`bad channel name ${c}`);
    this.o = opts;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting || this.client) return;
    this.connecting = true;
    const client = new pg.Client({ connectionString: this.o.databaseUrl, connectionTimeoutMillis: 2000, keepAlive: true, query_timeout: 3000 });
    client.on('notification', (n) => {
      const reload = this.o.channels.get(n.channel);
      reload?.().catch((err) => this.o.onError?.(err));
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.o.channels.keys()) await client.query(`LISTEN ${channel}`);
      // stop() may have run while connecting: this connection must not outlive it.
      if (this.stopped) {
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      this.o.onConnected?.();
      for (const reload of this.o.channels.values()) await reload().catch((err) => this.o.onError?.(err));
    } catch (err) {
      client.end().catch(() => {});
      this.o.onError?.(err);
      this.schedule();
    } finally {
      this.connecting = false;
    }
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (client !== this.client) return;
    this.client = undefined;
    client.end().catch(() => {});
    if (err) this.o.onError?.(err);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), this.o.reconnectMs);
    this.timer.unref();
  }
}

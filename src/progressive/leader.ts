// Exactly one deciding instance: a session-level PostgreSQL advisory lock held on a dedicated
// connection. Followers try every `retryMs`; when the leader dies its connection closes and the lock is
// free at once, so another instance takes over within one retry. The leader checks its connection on
// every tick and steps down the moment it cannot prove it still holds the session.
import pg from 'pg';

/** Arbitrary constant: the lock id of "the progressive-delivery leader" (per database). */
export const LEADER_LOCK_ID = 7_240_011;

export interface LeaderOptions {
  databaseUrl: string;
  retryMs: number;
  onChange?: (leader: boolean) => void;
  onError?: (err: unknown) => void;
}

export class Leader {
  private readonly opts: LeaderOptions;
  private client: pg.Client | undefined;
  private leader = false;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private stopped = false;

  constructor(opts: LeaderOptions) {
    this.opts = opts;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.opts.retryMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.setLeader(false);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
  }

  /** One attempt: (re)connect, then take the lock (follower) or prove we still hold it (leader). */
  async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      if (!this.client) {
        const client = await this.connect();
        // stop() may have run while connecting: this connection must not outlive it.
        if (this.stopped) {
          await client.end().catch(() => {});
          return;
        }
        this.client = client;
      }
      if (this.leader) {
        await this.client.query('SELECT 1');
      } else {
        const { rows } = await this.client.query('SELECT pg_try_advisory_lock($1) AS ok', [LEADER_LOCK_ID]);
        if (rows[0].ok) this.setLeader(true);
      }
    } catch (err) {
      this.drop();
      this.opts.onError?.(err);
    } finally {
      this.busy = false;
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.opts.databaseUrl, query_timeout: 2000, connectionTimeoutMillis: 2000, keepAlive: true });
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    await client.connect();
    await client.query(`SET application_name = 'gateway-leader'`);
    return client;
  }

  /** The connection is gone (or unusable): so is the lock. */
  private drop(which?: pg.Client): void {
    if (which && which !== this.client) return;
    const c = this.client;
    this.client = undefined;
    this.setLeader(false);
    c?.end().catch(() => {});
  }

  private setLeader(value: boolean): void {
    if (this.leader === value) return;
    this.leader = value;
    this.opts.onChange?.(value);
  }
}

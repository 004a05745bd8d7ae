import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CausewayConfig } from '@causeway/core';
import pg from 'pg';
import { DatabaseServer } from './database-server.js';

function withoutPassword(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

interface ReplicaState {
  url: string;
  client: pg.Client | null;
  /** How far behind the primary it was at the last check (0: it had replayed all the primary had written). */
  lagMs: number;
  checkedAt: number;
}

/** What a replica says about itself, measured against the primary's WAL position taken just before. */
export interface ReplicaReading {
  /** The replica has replayed at least up to the primary's position: nothing is pending. */
  caughtUp: boolean;
  /** now() - pg_last_xact_replay_timestamp() on the replica; null when it has replayed no transaction yet. */
  sinceLastReplayMs: number | null;
}

/**
 * The lag of a replica, honest for an idle primary: `now() - pg_last_xact_replay_timestamp()`
 * grows forever when the primary writes nothing, so a replica that has replayed everything the
 * primary has written is caught up whatever that timestamp says.
 */
export function replicaLagMs(reading: ReplicaReading): number {
  if (reading.caughtUp) return 0;
  return reading.sinceLastReplayMs ?? Number.POSITIVE_INFINITY;
}

/**
 * Where dataset rows may be read. Grants, rules, identity, catalogue and audit always go to the
 * primary (read-your-writes: a revoked grant is never honoured from a lagging copy); only the rows
 * of dataset versions, which never change once loaded, may come from a replica, and only from one
 * whose lag, as last measured plus the time since, is within REPLICA_MAX_LAG_MS.
 */
@Injectable()
export class ReplicaRouter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ReplicaRouter.name);
  private readonly replicas: ReplicaState[];
  private primary: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private next = 0;
  private checking = false;

  constructor(
    private readonly server: DatabaseServer,
    private readonly config: CausewayConfig,
  ) {
    const enabled = config.REPLICA_MAX_LAG_MS > 0;
    this.replicas = enabled ? server.replicaUrls.map((url) => ({ url, client: null, lagMs: Number.POSITIVE_INFINITY, checkedAt: 0 })) : [];
  }

  /** How often the lag is measured: often enough that a reading is at most a third of the allowed lag old. */
  get checkEveryMs(): number {
    return Math.max(100, Math.min(1000, Math.floor(this.config.REPLICA_MAX_LAG_MS / 3)));
  }

  async onModuleInit(): Promise<void> {
    if (this.replicas.length === 0) return;
    await this.check();
    this.timer = setInterval(() => void this.check(), this.checkEveryMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const clients = [this.primary, ...this.replicas.map((replica) => replica.client)];
    this.primary = null;
    for (const replica of this.replicas) replica.client = null;
    await Promise.all(clients.map((client) => client?.end().catch(() => undefined)));
  }

  /** A replica's URL for the next dataset-row read, round robin among the fresh ones; null: read from the primary. */
  rowsUrl(): string | null {
    const now = Date.now();
    const fresh = this.replicas.filter((replica) => replica.lagMs + (now - replica.checkedAt) <= this.config.REPLICA_MAX_LAG_MS);
    if (fresh.length === 0) return null;
    this.next = (this.next + 1) % fresh.length;
    return fresh[this.next]!.url;
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      this.primary ??= await this.open(this.server.url, 'causeway-replica-check');
      const [{ lsn }] = (await this.primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows as [{ lsn: string }];
      await Promise.all(this.replicas.map((replica) => this.measure(replica, lsn)));
    } catch (error) {
      this.logger.warn(`replica lag check failed (${(error as Error).message}); dataset rows are read from the primary`);
      await this.primary?.end().catch(() => undefined);
      this.primary = null;
      for (const replica of this.replicas) replica.lagMs = Number.POSITIVE_INFINITY;
    } finally {
      this.checking = false;
    }
  }

  private async measure(replica: ReplicaState, primaryLsn: string): Promise<void> {
    try {
      replica.client ??= await this.open(replica.url, 'causeway-replica-check');
      const [reading] = (
        await replica.client.query<{ caught_up: boolean | null; since_ms: number | null }>(
          `select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1::pg_lsn) >= 0 as caught_up,
                  (extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::float8 as since_ms`,
          [primaryLsn],
        )
      ).rows;
      const lagMs = replicaLagMs({ caughtUp: reading?.caught_up === true, sinceLastReplayMs: reading?.since_ms ?? null });
      if (lagMs > this.config.REPLICA_MAX_LAG_MS && replica.lagMs <= this.config.REPLICA_MAX_LAG_MS) {
        this.logger.warn(`replica ${withoutPassword(replica.url)} is ${Math.round(lagMs)} ms behind; dataset rows are read from the primary until it catches up`);
      }
      replica.lagMs = lagMs;
      replica.checkedAt = Date.now();
    } catch (error) {
      replica.lagMs = Number.POSITIVE_INFINITY;
      await replica.client?.end().catch(() => undefined);
      replica.client = null;
      this.logger.warn(`replica ${withoutPassword(replica.url)} unreachable (${(error as Error).message}); dataset rows are read from the primary`);
    }
  }

  private async open(url: string, name: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url, application_name: name, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }
}

import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DatabaseServer } from '@causeway/database';
import pg from 'pg';
import { Subject } from 'rxjs';
import type { EntityManager } from 'typeorm';

export type ChangeChannel = 'grants' | 'catalogue';

export interface ChangeEvent {
  channel: ChangeChannel;
  /** grants: the consumer department id; catalogue: the dataset id. */
  key: string;
}

const CHANNELS: Record<ChangeChannel, string> = { grants: 'causeway_grants', catalogue: 'causeway_catalogue' };

/**
 * Tells every gateway replica (this one included) that grants or catalogue entries changed,
 * through PostgreSQL LISTEN/NOTIFY, so that policy caches and the typed schema follow at once.
 * A NOTIFY sent inside a transaction is delivered only when it commits.
 */
@Injectable()
export class ChangeFeed implements OnModuleInit, OnModuleDestroy {
  readonly events = new Subject<ChangeEvent>();
  private readonly logger = new Logger(ChangeFeed.name);
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly server: DatabaseServer) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /** Sends a change notice; inside `tx` when given (delivered on commit). */
  async notify(channel: ChangeChannel, key: string, tx?: EntityManager): Promise<void> {
    const sql = 'select pg_notify($1, $2)';
    if (tx) await tx.query(sql, [CHANNELS[channel], key]);
    else if (this.client) await this.client.query(sql, [CHANNELS[channel], key]);
    else this.events.next({ channel, key });
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.server.url, application_name: 'causeway-change-feed' });
    client.on('notification', (message) => {
      const channel = (Object.keys(CHANNELS) as ChangeChannel[]).find((name) => CHANNELS[name] === message.channel);
      if (channel) this.events.next({ channel, key: message.payload ?? '' });
    });
    client.on('error', (error) => {
      this.logger.warn(`change feed lost its connection (${error.message}); reconnecting`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      for (const name of Object.values(CHANNELS)) await client.query(`listen ${name}`);
      this.client = client;
    } catch (error) {
      this.logger.warn(`change feed could not connect (${(error as Error).message}); retrying`);
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.stopped || (this.client !== client && this.client !== null)) return;
    this.client = null;
    client.removeAllListeners();
    client.end().catch(() => undefined);
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      // Changes may have been missed while disconnected: everyone rebuilds.
      this.events.next({ channel: 'grants', key: '*' });
      this.events.next({ channel: 'catalogue', key: '*' });
      void this.connect();
    }, 1000);
  }
}

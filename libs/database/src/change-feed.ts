import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { filter, map, Subject, type Observable } from 'rxjs';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { DatabaseServer } from './database-server.js';

/** What changed: each cache listens to the channels it depends on. */
export type ChangeChannel = 'departments' | 'users' | 'clients' | 'catalogue' | 'grants' | 'objections';

export interface ChangeEvent {
  channel: ChangeChannel;
  /**
   * Which one changed: departments: the department id; users: the user id; clients: the client
   * id; catalogue: the dataset id; grants: the consumer department id; objections: the dataset id.
   * '*': all of them.
   */
  key: string;
}

export const CHANGE_CHANNELS: readonly ChangeChannel[] = ['departments', 'users', 'clients', 'catalogue', 'grants', 'objections'];

/** The one PostgreSQL channel of the gateway; the payload is `<channel>:<key>`. */
export const NOTIFY_CHANNEL = 'causeway_changes';

/**
 * How long any cache trusts an entry without a notice: a backstop for a notice that never came
 * (notices normally invalidate within milliseconds, a lost feed connection invalidates everything).
 */
export const CACHE_BACKSTOP_MS = 30_000;

/** How soon a lost feed connection is opened again. */
const RECONNECT_MS = 500;

export function parseNotice(payload: string | undefined): ChangeEvent | null {
  if (!payload) return null;
  const colon = payload.indexOf(':');
  const channel = payload.slice(0, colon) as ChangeChannel;
  if (colon < 0 || !CHANGE_CHANNELS.includes(channel)) return null;
  return { channel, key: payload.slice(colon + 1) };
}

/**
 * One change feed for the whole gateway, over PostgreSQL LISTEN/NOTIFY. A write that a cache
 * depends on calls `notify(tx, …)` inside its transaction: PostgreSQL delivers the notice to every
 * listening process (other gateways, this one) only when that transaction commits, and never if it
 * rolls back. The writing process also hears it at once, at commit, without waiting for the round
 * trip, so it reads its own writes. While the feed is not listening, caches must not trust their
 * entries (`listening` is false); when it listens again, everything is invalidated, since notices
 * sent in between were missed.
 */
@Injectable()
export class ChangeFeed implements OnModuleInit, OnModuleDestroy {
  private readonly subject = new Subject<ChangeEvent>();
  readonly events: Observable<ChangeEvent> = this.subject.asObservable();
  private readonly logger = new Logger(ChangeFeed.name);
  private readonly pending = new WeakMap<QueryRunner, ChangeEvent[]>();
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private lostAt: number | null = null;

  constructor(
    private readonly server: DatabaseServer,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** True while notices reach this process; caches serve entries only then. */
  get listening(): boolean {
    return this.client !== null;
  }

  /** The events of some channels (a cache's view of the feed). */
  on(...channels: ChangeChannel[]): Observable<ChangeEvent> {
    return this.events.pipe(filter((event) => channels.includes(event.channel)));
  }

  /** The keys changed on one channel ('*': all). */
  keysOf(channel: ChangeChannel): Observable<string> {
    return this.on(channel).pipe(map((event) => event.key));
  }

  async onModuleInit(): Promise<void> {
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: (event: TransactionCommitEvent) => this.settle(event.queryRunner, true),
      afterTransactionRollback: (event: TransactionRollbackEvent) => this.settle(event.queryRunner, false),
    };
    this.dataSource.subscribers.push(subscriber);
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    client?.removeAllListeners();
    await client?.end().catch(() => undefined);
  }

  /**
   * Sends a change notice inside `tx`: every process hears it when (and only if) `tx` commits.
   * Call it in the same transaction as the write it announces.
   */
  async notify(tx: EntityManager, channel: ChangeChannel, key: string): Promise<void> {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) throw new Error(`a ${channel} change notice must be sent inside the transaction of its write`);
    await tx.query('select pg_notify($1, $2)', [NOTIFY_CHANNEL, `${channel}:${key}`]);
    const list = this.pending.get(runner) ?? [];
    list.push({ channel, key });
    this.pending.set(runner, list);
  }

  /** At the end of a transaction: its notices reach this process's caches at once on commit. */
  private settle(runner: QueryRunner, committed: boolean): void {
    // A savepoint released or rolled back: the outer transaction decides.
    if (runner.isTransactionActive) return;
    const list = this.pending.get(runner);
    if (!list) return;
    this.pending.delete(runner);
    if (committed) for (const event of list) this.emit(event);
  }

  private emit(event: ChangeEvent): void {
    try {
      this.subject.next(event);
    } catch (error) {
      this.logger.error(`a cache failed to follow a ${event.channel} change: ${(error as Error).message}`);
    }
  }

  private everythingChanged(): void {
    for (const channel of CHANGE_CHANNELS) this.emit({ channel, key: '*' });
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.server.url, application_name: 'causeway-change-feed' });
    client.on('notification', (message) => {
      if (message.channel !== NOTIFY_CHANNEL) return;
      const event = parseNotice(message.payload);
      if (event) this.emit(event);
    });
    client.on('error', (error) => {
      this.logger.warn(`change feed lost its connection (${error.message}); caches are bypassed until it is back`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`listen ${NOTIFY_CHANNEL}`);
      this.client = client;
      if (this.lostAt !== null) {
        this.logger.log(`change feed listening again after ${Date.now() - this.lostAt} ms; every cache starts afresh`);
        this.lostAt = null;
      }
      // Notices sent while no connection listened are lost: every cache starts afresh.
      this.everythingChanged();
    } catch (error) {
      this.logger.warn(`change feed could not connect (${(error as Error).message}); retrying`);
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.stopped || (this.client !== client && this.client !== null)) return;
    this.client = null;
    this.lostAt ??= Date.now();
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    this.everythingChanged();
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, RECONNECT_MS);
  }
}

/**
 * A cache that follows the change feed: an entry is served only while the feed listens and for at
 * most CACHE_BACKSTOP_MS; `delete`/`clear` are called on notices. The entry is the loading promise,
 * so a notice that arrives while a load is in flight drops that load too (it may have read the old row).
 */
export class FeedCache<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private readonly feed: ChangeFeed,
    private readonly backstopMs = CACHE_BACKSTOP_MS,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && this.feed.listening && Date.now() - hit.at < this.backstopMs) return hit.value;
    const value = load();
    const entry = { at: Date.now(), value };
    this.entries.set(key, entry);
    // A failed load is not kept: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

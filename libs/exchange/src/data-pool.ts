import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CausewayConfig, CausewayError, ErrorCode } from '@causeway/core';
import { databaseUnavailable, DatabaseServer, isDatabaseUnavailable, ReplicaRouter } from '@causeway/database';
import pg from 'pg';

const INT8 = 20;
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ);
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?\+00$/;

/**
 * How values come out of the version tables: whole numbers as numbers when exact (else decimal
 * text), DECIMAL as text (exact), DATE as YYYY-MM-DD, DATETIME as ISO 8601 UTC text, JSON parsed.
 */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) {
      return (text: string) => {
        const number = Number(text);
        return Number.isSafeInteger(number) ? number : text;
      };
    }
    if (oid === DATE) return (text: string) => text;
    if (oid === TIMESTAMPTZ || oid === TIMESTAMP) {
      return (text: string) => {
        // The session runs in UTC: "2024-01-01 08:00:00.5+00" becomes "2024-01-01T08:00:00.5Z" by
        // rewriting the text; anything unusual (years beyond 9999, BC) goes through a parser.
        if (UTC_TIMESTAMP.test(text)) return `${text.slice(0, 10)}T${text.slice(11, -3)}Z`;
        const date = parseTimestamp(text) as Date | number;
        return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : text;
      };
    }
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** What a caller of records or aggregate is told when its statement ran too long. */
const RECORDS_TOO_LONG = 'The query ran longer than the exchange allows: narrow it with where or a smaller first, then retry';

export const rateLimited = (message: string): CausewayError => new CausewayError(ErrorCode.RATE_LIMITED, message, { retryAfterMs: 1000 });

/**
 * The connections data queries run on: a pool of its own, bounded, read-only, with a statement
 * timeout and a bounded wait for a connection, so that under overload callers get a fast
 * RATE_LIMITED instead of a hang, and the rest of the gateway keeps its own connections.
 */
@Injectable()
export class DataPool implements OnModuleDestroy {
  private readonly logger = new Logger(DataPool.name);
  private readonly pool: pg.Pool;
  private readonly maxWaiting: number;
  /** Pools on read replicas (DATABASE_REPLICA_URLS), opened when first used. */
  private readonly replicaPools = new Map<string, pg.Pool>();

  constructor(
    server: DatabaseServer,
    private readonly config: CausewayConfig,
    private readonly replicas: ReplicaRouter,
  ) {
    this.pool = this.openPool(server.url);
    this.maxWaiting = config.EXCHANGE_POOL_SIZE * 8;
  }

  private openPool(url: string): pg.Pool {
    const config = this.config;
    const pool = new pg.Pool({
      connectionString: url,
      application_name: 'causeway-exchange',
      max: config.EXCHANGE_POOL_SIZE,
      connectionTimeoutMillis: config.EXCHANGE_ACQUIRE_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      statement_timeout: config.EXCHANGE_STATEMENT_TIMEOUT_MS,
      // Belt and braces: whatever SQL reached this pool, it cannot write.
      options: '-c default_transaction_read_only=on -c TimeZone=UTC',
      types: TYPES,
    });
    pool.on('error', (error) => this.logger.warn(`idle data connection failed: ${error.message}`));
    return pool;
  }

  /**
   * Runs one statement; rows come as arrays in the statement's column order (no per-row objects).
   * Dataset rows (immutable once loaded) may come from a replica within REPLICA_MAX_LAG_MS of the
   * primary; a replica that has not replayed the version's table yet (42P01), cancels the read for
   * a conflict with its replay (40001), or cannot be reached, is passed over for the primary.
   */
  async query(sql: string, values: unknown[], tooLong: string = RECORDS_TOO_LONG): Promise<unknown[][]> {
    const replicaUrl = this.replicas.rowsUrl();
    if (replicaUrl) {
      let replica = this.replicaPools.get(replicaUrl);
      if (!replica) this.replicaPools.set(replicaUrl, (replica = this.openPool(replicaUrl)));
      try {
        return await this.rowsFrom(replica, sql, values, tooLong);
      } catch (error) {
        // rowsFrom answers an unreachable server as SERVICE_UNAVAILABLE: for a replica, the primary is asked instead.
        const unreachable = error instanceof CausewayError && error.code === ErrorCode.SERVICE_UNAVAILABLE;
        const code = (error as { code?: string }).code ?? '';
        if (!unreachable && code !== '42P01' && code !== '40001' && !code.startsWith('08') && !/connect|terminat/i.test((error as Error).message ?? '')) throw error;
      }
    }
    return this.rowsFrom(this.pool, sql, values, tooLong);
  }

  private async rowsFrom(pool: pg.Pool, sql: string, values: unknown[], tooLong: string): Promise<unknown[][]> {
    if (pool.waitingCount >= this.maxWaiting) throw rateLimited('The exchange is busy: retry in a moment');
    try {
      return (await pool.query<unknown[]>({ text: sql, values, rowMode: 'array' })).rows;
    } catch (error) {
      const problem = error as Error & { code?: string };
      if (problem.code === '57014') throw rateLimited(tooLong);
      if (/timeout exceeded when trying to connect/i.test(problem.message ?? '')) throw rateLimited('The exchange is busy: retry in a moment');
      if (problem.code === '53300') throw rateLimited('The exchange is busy: retry in a moment');
      if (isDatabaseUnavailable(problem)) throw databaseUnavailable();
      throw error;
    }
  }

  get stats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.pool, ...this.replicaPools.values()].map((pool) => pool.end().catch(() => undefined)));
  }
}

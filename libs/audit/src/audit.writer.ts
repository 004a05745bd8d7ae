import { Logger } from '@nestjs/common';
import { CausewayError, ErrorCode } from '@causeway/core';
import { DATABASE_RETRY_AFTER_SECONDS, guardClient, isDatabaseUnavailable } from '@causeway/database';
import pg from 'pg';
import { chainRecords } from './canonical.js';
import { AuditMetrics } from './audit.metrics.js';
import type { AuditReceipt, AuditRecord, ChainedAuditRecord } from './audit.types.js';

/** The database role the writer inserts as (see the audit migration). */
export const AUDIT_WRITER_ROLE = 'causeway_audit_writer';

export interface AuditWriterOptions {
  url: string;
  /** Connections of the writer's own pool: one writes, one spare for checkpoints and health. */
  poolSize: number;
  /** Events waiting beyond this are refused at once (AUDIT_UNAVAILABLE) rather than queued without bound. */
  maxQueue: number;
  /** Events per transaction. */
  maxBatch: number;
  /** The longest a batch may wait for exchanges in flight (see `begin` and `commitWaitMs`) to queue their events; 0: never. */
  commitDelayMs: number;
  /** A write that takes longer than this fails (and its requests get AUDIT_UNAVAILABLE). */
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

export const DEFAULT_WRITER_OPTIONS: Omit<AuditWriterOptions, 'url'> = {
  poolSize: 3,
  maxQueue: 20_000,
  maxBatch: 1_000,
  commitDelayMs: 20,
  statementTimeoutMs: 5_000,
  connectTimeoutMs: 3_000,
};

interface Pending {
  record: Omit<AuditRecord, 'seq'>;
  resolve: (receipt: AuditReceipt) => void;
  reject: (error: Error) => void;
}

export interface BatchCommitted {
  size: number;
  head: { seq: number; hash: string };
  durationMs: number;
}

export interface AuditWriterStatus {
  queued: number;
  writing: number;
  closed: boolean;
  lastCommitAt: Date | null;
  lastError: string | null;
  head: { seq: number; hash: string } | null;
}

const unavailable = (why: string): CausewayError =>
  new CausewayError(ErrorCode.AUDIT_UNAVAILABLE, `The audit trail cannot record this exchange (${why}); nothing was served. Try again shortly.`);

/** The write failed because the database is away: the whole service is, not only the audit trail. */
const databaseAway = (): CausewayError =>
  new CausewayError(ErrorCode.SERVICE_UNAVAILABLE, 'The database is unavailable at the moment, so the audit trail cannot record this exchange; nothing was served. Retry shortly.', {
    retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
  });

/** Column order of the insert; names are the table's. */
function rowOf(event: ChainedAuditRecord): Record<string, unknown> {
  return {
    seq: event.seq,
    at: event.at,
    action: event.action,
    outcome: event.outcome,
    principal: event.principal,
    principal_id: event.principalId,
    principal_kind: event.principalKind,
    department: event.department,
    provider_department: event.providerDepartment,
    client_ip: event.clientIp,
    request_id: event.requestId,
    end_user_id: event.endUserId,
    purpose: event.purpose,
    dataset: event.dataset,
    version: event.version,
    target: event.target,
    fields_requested: event.fieldsRequested,
    fields_clear: event.fieldsClear,
    fields_masked: event.fieldsMasked,
    fields_refused: event.fieldsRefused,
    rows_returned: event.rowsReturned,
    row_scope: event.rowScope,
    grant_ids: event.grantIds,
    grant_versions: event.grantVersions,
    reason: event.reason,
    detail: event.detail,
    duration_ms: event.durationMs,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

const monthOf = (at: string): string => at.slice(0, 7);

/**
 * The batch and the new head in one statement, only if the head is still the expected one. The
 * head row is locked first (FOR UPDATE, which waits for and then sees a concurrent writer's commit),
 * so two processes can never both append after the same head.
 */
const APPEND_IF_HEAD = `with head as (select seq, hash from audit_chain_head where id = 1 for update),
  expected as (select 1 from head where seq = $2 and hash = $3),
  appended as (insert into audit_event select * from json_populate_recordset(null::audit_event, $1::json) where exists (select 1 from expected) returning 1)
  update audit_chain_head set seq = $4, hash = $5, updated_at = now() where id = 1 and exists (select 1 from expected) and (select count(*) from appended) > 0
  returning seq`;

/** After another process moved the head, batches take the locked path for this long. */
const LOCKED_AFTER_CONFLICT_MS = 2_000;

const APPEND = `with appended as (insert into audit_event select * from json_populate_recordset(null::audit_event, $1::json) returning 1)
  update audit_chain_head set seq = $2, hash = $3, updated_at = now() where id = 1 and (select count(*) from appended) > 0`;

/** A batch waits at most this share of the time its quickest exchange took before queuing its event. */
const WAIT_SHARE_OF_EXCHANGE = 0.5;

/**
 * How long a batch may wait for exchanges in flight to queue their events: at most
 * `commitDelayMs`, and at most half the time the quickest exchange in the batch took before it
 * queued its event, so that waiting adds at most half to any exchange's time. At saturation
 * exchanges take long (they queue for the CPU), so batches grow and each event costs less; a
 * quick exchange at light load barely waits.
 */
export function commitWaitMs(commitDelayMs: number, quickestExchangeMs: number): number {
  if (commitDelayMs <= 0 || !Number.isFinite(quickestExchangeMs) || quickestExchangeMs <= 0) return 0;
  return Math.min(commitDelayMs, quickestExchangeMs * WAIT_SHARE_OF_EXCHANGE);
}

/**
 * The group-commit writer. Events of concurrent requests queue here; one transaction at a time
 * takes everything queued (up to maxBatch), locks the chain head row, chains and inserts the
 * batch, moves the head and commits; then every request of the batch is answered. While a batch
 * commits the next one gathers, so under load batches grow and the per-event cost falls.
 *
 * It has its own small pool: a request that holds a connection of the application's pool never
 * waits for that pool to write its event.
 */
export class AuditWriter {
  private readonly logger = new Logger('AuditWriter');
  private readonly pool: pg.Pool;
  private readonly queue: Pending[] = [];
  private readonly roleSet = new WeakSet<pg.PoolClient>();
  private readonly knownMonths = new Set<string>();
  private writing = 0;
  /** Exchanges that have begun and may still queue an event (see `begin`). */
  private inFlight = 0;
  /** Wakes a batch that is waiting for exchanges in flight. */
  private wake: (() => void) | null = null;
  private draining: Promise<void> | null = null;
  private closed = false;
  private useRole: boolean | null = null;
  private lastCommitAt: Date | null = null;
  private lastError: string | null = null;
  /** The head after this process's last commit: the optimistic path chains after it. */
  private head: { seq: number; hash: string } | null = null;
  private lockedUntil = 0;
  private readonly listeners: ((batch: BatchCommitted) => void)[] = [];

  constructor(
    private readonly options: AuditWriterOptions,
    readonly metrics: AuditMetrics = new AuditMetrics(),
  ) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: 'causeway-audit',
      statement_timeout: options.statementTimeoutMs,
      lock_timeout: options.statementTimeoutMs,
      idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
    });
    // A dropped idle connection must not crash the process; the next write reconnects.
    this.pool.on('error', (error) => this.logger.warn(`idle audit connection failed: ${error.message}`));
  }

  onCommitted(listener: (batch: BatchCommitted) => void): void {
    this.listeners.push(listener);
  }

  /** Queues an event; resolves once the transaction holding it has committed. */
  append(record: Omit<AuditRecord, 'seq'>): Promise<AuditReceipt> {
    if (this.closed) {
      this.metrics.failures.inc({ cause: 'closed' });
      return Promise.reject(unavailable('the gateway is shutting down'));
    }
    if (this.queue.length >= this.options.maxQueue) {
      this.metrics.failures.inc({ cause: 'saturated' });
      return Promise.reject(unavailable('the audit writer is saturated'));
    }
    return new Promise<AuditReceipt>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.metrics.queueDepth.set(this.queue.length);
      this.kick();
      this.wake?.();
    });
  }

  /**
   * Tells the writer an exchange has begun that will probably queue an event soon; the answer
   * says it has (or never will). While such exchanges are in flight a batch waits for them (for
   * `commitWaitMs`), so that under load one commit carries many events; a request alone is
   * written at once. Calling the answer again does nothing.
   */
  begin(): () => void {
    this.inFlight += 1;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.inFlight -= 1;
      this.wake?.();
    };
  }

  status(): AuditWriterStatus {
    return { queued: this.queue.length, writing: this.writing, closed: this.closed, lastCommitAt: this.lastCommitAt, lastError: this.lastError, head: this.head };
  }

  /** Runs a statement on the writer's own pool, as the writer role (health, checkpoints). */
  async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // The database going away while this client is held must fail the statement, not the process.
    let broken: Error | undefined;
    const unguard = guardClient(client, (error) => {
      broken = error;
      this.logger.warn(`audit connection failed: ${error.message}`);
    });
    try {
      await this.prepare(client);
      const result = await work(client);
      unguard();
      client.release(broken);
      return result;
    } catch (error) {
      // A connection that failed mid-statement is not reused.
      unguard();
      client.release(error as Error);
      throw error;
    }
  }

  /** Waits until everything queued so far is committed (or has failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Refuses new events, writes what is queued, closes the pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A batch waiting for exchanges in flight commits now.
    this.wake?.();
    await this.flush();
    await this.pool.end().catch(() => undefined);
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      // Events queued while the last batch settled start the next drain.
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      await this.gather();
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.metrics.queueDepth.set(this.queue.length);
      this.writing = batch.length;
      try {
        const receipts = await this.write(batch.map((pending) => pending.record));
        batch.forEach((pending, index) => pending.resolve(receipts[index]!));
      } catch (error) {
        this.lastError = (error as Error).message;
        this.logger.error(`audit batch of ${batch.length} not written: ${(error as Error).message}`);
        this.metrics.failures.inc({ cause: 'write' }, batch.length);
        const refusal = isDatabaseUnavailable(error) ? databaseAway() : unavailable('the audit store refused the write');
        batch.forEach((pending) => pending.reject(refusal));
      } finally {
        this.writing = 0;
      }
    }
  }

  /** Waits (see `commitWaitMs`) while exchanges in flight may still add to the batch. */
  private async gather(): Promise<void> {
    const started = performance.now();
    let quickest = Infinity;
    let seen = 0;
    while (this.inFlight > 0 && this.queue.length < this.options.maxBatch && !this.closed) {
      // An event that joined meanwhile may be of a quicker exchange, which shortens the wait.
      for (; seen < this.queue.length; seen += 1) quickest = Math.min(quickest, this.queue[seen]!.record.durationMs ?? 0);
      const left = started + commitWaitMs(this.options.commitDelayMs, quickest) - performance.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private async write(records: Omit<AuditRecord, 'seq'>[]): Promise<AuditReceipt[]> {
    const started = performance.now();
    return this.withClient(async (client) => {
      await this.ensurePartitions(client, records);
      const chained = (await this.appendOptimistically(client, records)) ?? (await this.appendLocked(client, records));
      this.committed(chained, performance.now() - started);
      return chained.map((event) => ({ seq: event.seq, hash: event.hash, at: new Date(event.at) }));
    });
  }

  /**
   * One round trip, one implicit transaction: the batch is chained after the head this process
   * last saw, and the statement inserts it only if the head (locked FOR UPDATE) is still that
   * one. While only this process writes, every batch goes this way. Null when another process
   * moved the head: then the locked path is used for a while, since they are likely to keep doing so.
   */
  private async appendOptimistically(client: pg.PoolClient, records: Omit<AuditRecord, 'seq'>[]): Promise<ChainedAuditRecord[] | null> {
    const expected = this.head;
    if (!expected || Date.now() < this.lockedUntil) return null;
    const chained = chainRecords(expected, records);
    const last = chained.at(-1)!;
    const result = await client.query({
      name: 'audit-append-if-head',
      text: APPEND_IF_HEAD,
      values: [JSON.stringify(chained.map(rowOf)), expected.seq, expected.hash, last.seq, last.hash],
    });
    if (result.rowCount === 1) return chained;
    this.metrics.conflicts.inc();
    this.lockedUntil = Date.now() + LOCKED_AFTER_CONFLICT_MS;
    return null;
  }

  /** Three round trips: lock the head and read it, insert the batch and move the head, commit. */
  private async appendLocked(client: pg.PoolClient, records: Omit<AuditRecord, 'seq'>[]): Promise<ChainedAuditRecord[]> {
    try {
      // The chain head row serialises every writer of every gateway process. (BEGIN and the lock
      // go as one simple query.)
      const results = (await client.query('begin; select seq, hash from audit_chain_head where id = 1 for update')) as unknown as pg.QueryResult<{ seq: string; hash: string }>[];
      const current = results[1]?.rows[0];
      if (!current) throw new Error('audit_chain_head has no row; run the migrations');
      const chained = chainRecords({ seq: Number(current.seq), hash: current.hash }, records);
      const last = chained.at(-1)!;
      await client.query({ name: 'audit-append', text: APPEND, values: [JSON.stringify(chained.map(rowOf)), last.seq, last.hash] });
      await client.query('commit');
      return chained;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  }

  private committed(chained: ChainedAuditRecord[], durationMs: number): void {
    const last = chained.at(-1)!;
    this.head = { seq: last.seq, hash: last.hash };
    this.lastCommitAt = new Date();
    this.lastError = null;
    const committed: BatchCommitted = { size: chained.length, head: this.head, durationMs };
    this.metrics.batchSize.observe(chained.length);
    this.metrics.commitSeconds.observe(durationMs / 1000);
    this.metrics.headSeq.set(last.seq);
    for (const event of chained) this.metrics.events.inc({ outcome: event.outcome });
    for (const listener of this.listeners) {
      try {
        listener(committed);
      } catch (error) {
        this.logger.warn(`audit commit listener failed: ${(error as Error).message}`);
      }
    }
  }

  /** Monthly partitions are created (by a function the writer may call) before the first event of a month. */
  private async ensurePartitions(client: pg.PoolClient, records: Omit<AuditRecord, 'seq'>[]): Promise<void> {
    for (const month of new Set(records.map((record) => monthOf(record.at)))) {
      if (this.knownMonths.has(month)) continue;
      await client.query('select audit_ensure_partition($1::timestamptz)', [`${month}-01T00:00:00Z`]);
      // The next month too, so the turn of a month never waits on DDL.
      await client.query(`select audit_ensure_partition($1::timestamptz + interval '1 month')`, [`${month}-01T00:00:00Z`]);
      this.knownMonths.add(month);
    }
  }

  /** Switches a fresh connection to the insert-only writer role when the database has it. */
  private async prepare(client: pg.PoolClient): Promise<void> {
    if (this.roleSet.has(client)) return;
    if (this.useRole === null) {
      const { rows } = await client.query<{ member: boolean }>(
        `select coalesce((select pg_has_role(current_user, oid, 'MEMBER') from pg_roles where rolname = $1), false) as member`,
        [AUDIT_WRITER_ROLE],
      );
      this.useRole = rows[0]?.member ?? false;
      if (!this.useRole) this.logger.warn(`role ${AUDIT_WRITER_ROLE} is not available: audit events are inserted as the connecting user`);
    }
    if (this.useRole) await client.query(`set role ${AUDIT_WRITER_ROLE}`);
    this.roleSet.add(client);
  }
}

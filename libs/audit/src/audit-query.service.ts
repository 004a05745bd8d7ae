import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { badInput, CausewayConfig, CursorCodec, DEFAULT_PAGE_SIZE, escapeLikeWildcards, forbidden, MAX_PAGE_SIZE, type RequestContext } from '@causeway/core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { DataSource, type QueryRunner } from 'typeorm';
import { AuditOutcome, type ChainedAuditRecord } from './audit.types.js';
import { checkpointFromRow, EVENT_COLUMNS, readEvents, recordFromRow, verifyStoredChain, type RunQuery, type StoredChainVerdict } from './chain-store.js';
import type { SignedCheckpoint } from './checkpoint.js';
import { AuditChainStatus, AuditEventConnection, AuditEventDto, AuditFilter, AuditGroupBy, AuditSummaryRow } from './dto.js';
import { auditScopeOf, type AuditScope } from './scope.js';
import { AuditSigningKey, CHECKPOINT_LOG_FILE } from './signing-key.js';

/** One cell of the exchange statistics, before suppression (libs/statistics publishes them). */
export interface ExchangeCount {
  day: string;
  providerDepartment: string | null;
  consumerDepartment: string | null;
  dataset: string;
  outcome: AuditOutcome;
  count: number;
}

const STATUS_CACHE_MS = 30_000;

/** Builds a WHERE clause with numbered parameters. */
class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  /**
   * "Department X on either side" (caller or provider), kept apart from the other clauses so that
   * counting can add up the two sides, each an index-only scan, rather than visit every event of
   * the range that a bitmap of the OR would touch.
   */
  eitherSide: { caller: string; provider: string } | null = null;

  add(clause: string): void {
    this.clauses.push(clause);
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  department(code: string): void {
    const department = this.param(code);
    const sides = { caller: `department = ${department}`, provider: `provider_department = ${department}` };
    if (this.eitherSide) this.add(`(${sides.caller} or ${sides.provider})`);
    else this.eitherSide = sides;
  }

  get sql(): string {
    return this.sqlWith(this.eitherSide ? `(${this.eitherSide.caller} or ${this.eitherSide.provider})` : null);
  }

  /** The number of events matching, as one SELECT. */
  get countSql(): string {
    if (!this.eitherSide) return `select count(*)::int as count from audit_event ${this.sql}`;
    const { caller, provider } = this.eitherSide;
    // Each event once: those of the provider side whose caller is X were counted with the caller side.
    return `select ((select count(*) from audit_event ${this.sqlWith(caller)}) + (select count(*) from audit_event ${this.sqlWith(`${provider} and (${caller}) is not true`)}))::int as count`;
  }

  private sqlWith(extra: string | null): string {
    const clauses = extra ? [...this.clauses, extra] : this.clauses;
    return clauses.length === 0 ? '' : `where ${clauses.join(' and ')}`;
  }
}

function likePrefix(text: string): string {
  return `${escapeLikeWildcards(text)}%`;
}

const INT32 = 2 ** 31;

/**
 * The stored text of a JSON column decoded, or why it could not be: a row written by an older
 * version (which cut long JSON mid-text) or changed by hand must not hide the rows around it.
 */
function decodedJson(column: string, text: string | null, problems: string[]): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    problems.push(`${column} is not valid JSON (${text.length} characters stored; audit:export shows them as stored)`);
    return null;
  }
}

/** A stored whole number the GraphQL Int cannot carry is shown as null, with the reason. */
function decodedInt(column: string, value: number | null, problems: string[]): number | null {
  if (value === null) return null;
  if (Number.isInteger(value) && value > -INT32 && value < INT32) return value;
  problems.push(`${column} holds ${Number.isFinite(value) ? 'a number out of range' : 'no number'} (audit:export shows it as stored)`);
  return null;
}

export function toDto(record: ChainedAuditRecord): AuditEventDto {
  const problems: string[] = [];
  const at = new Date(record.at);
  return {
    seq: String(record.seq),
    at: Number.isNaN(at.getTime()) ? (problems.push(`at (${record.at.slice(0, 40)}) is not a time this API can show`), new Date(0)) : at,
    action: record.action,
    outcome: record.outcome,
    principal: record.principal,
    principalKind: record.principalKind,
    departmentCode: record.department,
    providerDepartmentCode: record.providerDepartment,
    clientIp: record.clientIp,
    requestId: record.requestId,
    endUserId: record.endUserId,
    dataset: record.dataset,
    version: decodedInt('version', record.version, problems),
    target: record.target,
    fieldsRequested: record.fieldsRequested,
    fieldsClear: record.fieldsClear,
    fieldsMasked: record.fieldsMasked,
    fieldsRefused: record.fieldsRefused,
    rowsReturned: decodedInt('rowsReturned', record.rowsReturned, problems),
    rowScope: decodedJson('rowScope', record.rowScope, problems),
    grantIds: record.grantIds,
    grantVersions: record.grantVersions.map((version) => decodedInt('grantVersions', version, problems) ?? -1),
    purpose: record.purpose,
    reason: record.reason,
    detail: decodedJson('detail', record.detail, problems),
    durationMs: decodedInt('durationMs', record.durationMs, problems),
    readProblem: problems.length > 0 ? [...new Set(problems)].join('; ') : null,
    prevHash: record.prevHash,
    hash: record.hash,
  };
}

/** Reading the trail: auditor queries, chain verification, export. Writing is AuditService's. */
@Injectable()
export class AuditQueryService {
  private status: { at: number; value: Promise<AuditChainStatus> } | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: CausewayConfig,
    private readonly cursors: CursorCodec,
    private readonly signingKey: AuditSigningKey,
  ) {}

  scopeOf(ctx: RequestContext): AuditScope {
    return auditScopeOf(ctx.principal, this.config.AUDIT_CITY_DEPARTMENTS);
  }

  async events(ctx: RequestContext, filter: AuditFilter = {}, first = DEFAULT_PAGE_SIZE, after?: string): Promise<AuditEventConnection> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
    const scope = this.scopeOf(ctx);
    const where = this.where(scope, filter);
    const cursorScope = `auditEvents:${ctx.principal.id}:${JSON.stringify(filter)}`;
    const [{ count }] = (await this.db.query(where.countSql, where.params)) as { count: number }[];
    if (after) {
      const position = this.cursors.decode<{ seq: number }>(cursorScope, after);
      where.add(`seq < ${where.param(position.seq)}`);
    }
    const rows = (await this.db.query(`select ${EVENT_COLUMNS} from audit_event ${where.sql} order by seq desc, hash limit ${where.param(first + 1)}`, where.params)) as Record<string, unknown>[];
    const nodes = rows.slice(0, first).map((row) => toDto(recordFromRow(row)));
    const edges = nodes.map((node) => ({ node, cursor: this.cursors.encode(cursorScope, { seq: Number(node.seq) }) }));
    return { nodes, edges, totalCount: count, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  async summary(ctx: RequestContext, from: Date | undefined, to: Date | undefined, groupBy: AuditGroupBy[]): Promise<AuditSummaryRow[]> {
    const where = this.where(this.scopeOf(ctx), { from, to });
    const keys: Record<AuditGroupBy, string> = {
      [AuditGroupBy.DEPARTMENT]: 'department',
      [AuditGroupBy.DATASET]: 'dataset',
      [AuditGroupBy.DAY]: `to_char(at at time zone 'UTC', 'YYYY-MM-DD')`,
      [AuditGroupBy.ACTION]: 'action',
    };
    const unique = [...new Set(groupBy)];
    const column = (key: AuditGroupBy, alias: string) => (unique.includes(key) ? `${keys[key]} as ${alias}` : `null::text as ${alias}`);
    const grouping = unique.map((key) => keys[key]);
    const rows = (await this.db.query(
      `select ${column(AuditGroupBy.DEPARTMENT, 'department')}, ${column(AuditGroupBy.DATASET, 'dataset')}, ${column(AuditGroupBy.DAY, 'day')},
              ${column(AuditGroupBy.ACTION, 'action')}, count(*)::int as events,
              (count(*) filter (where outcome = 'ALLOWED'))::int as allowed, (count(*) filter (where outcome = 'DENIED'))::int as denied,
              (count(*) filter (where outcome = 'ERROR'))::int as errors, coalesce(sum(rows_returned), 0)::float8 as rows_returned
         from audit_event ${where.sql}
         ${grouping.length > 0 ? `group by ${grouping.join(', ')} order by ${grouping.join(', ')}` : ''}
         limit 10000`,
      where.params,
    )) as Record<string, unknown>[];
    return rows.map((row) => ({
      department: (row.department as string | null) ?? null,
      dataset: (row.dataset as string | null) ?? null,
      day: (row.day as string | null) ?? null,
      action: (row.action as string | null) ?? null,
      events: Number(row.events),
      allowed: Number(row.allowed),
      denied: Number(row.denied),
      errors: Number(row.errors),
      rowsReturned: Number(row.rows_returned),
    }));
  }

  /**
   * Data exchanges counted per day (China time, YYYY-MM-DD) × provider department × consumer
   * department × dataset × outcome, over [from, to), for the published exchange statistics. Only
   * those grouped columns and the count leave: never a principal, an address, a purpose or a
   * request. An anonymous consumer (the open-data portal) has no department: null.
   */
  async exchangeCounts(from: Date, to: Date, actions: readonly string[]): Promise<ExchangeCount[]> {
    const rows = (await this.db.query(
      `select to_char(at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, provider_department, department, dataset, outcome, count(*)::int as count
         from audit_event
        where at >= $1 and at < $2 and action = any($3::text[]) and dataset is not null
        group by 1, 2, 3, 4, 5
        order by 1, 2, 3, 4, 5`,
      [from, to, [...actions]],
    )) as { day: string; provider_department: string | null; department: string | null; dataset: string; outcome: string; count: number }[];
    return rows.map((row) => ({
      day: row.day,
      providerDepartment: row.provider_department,
      consumerDepartment: row.department,
      dataset: row.dataset,
      outcome: row.outcome as AuditOutcome,
      count: Number(row.count),
    }));
  }

  /** The chain status for the console: a full verification, shared by callers within 30 seconds. */
  chainStatus(_ctx: RequestContext, fresh = false): Promise<AuditChainStatus> {
    if (!fresh && this.status && Date.now() - this.status.at < STATUS_CACHE_MS) return this.status.value;
    const value = this.verify().then((verdict) => this.statusOf(verdict));
    this.status = { at: Date.now(), value };
    value.catch(() => (this.status = null));
    return value;
  }

  /** Recomputes the stored chain (one snapshot) against its head and every checkpoint known here. */
  async verify(options: { from?: number; extraCheckpoints?: SignedCheckpoint[]; publicKeys?: ReadonlyMap<string, KeyObject> } = {}): Promise<StoredChainVerdict> {
    const publicKeys = new Map(options.publicKeys ?? []);
    publicKeys.set(this.signingKey.keyId, this.signingKey.publicKey);
    const local = await this.localCheckpoints();
    return this.inSnapshot((run) => verifyStoredChain(run, { from: options.from, publicKeys, extraCheckpoints: [...local, ...(options.extraCheckpoints ?? [])] }));
  }

  /** Checkpoints this installation also logged to its data folder, outside the database. */
  async localCheckpoints(): Promise<SignedCheckpoint[]> {
    const text = await readFile(path.join(this.config.dataDir, CHECKPOINT_LOG_FILE), 'utf8').catch(() => '');
    const checkpoints: SignedCheckpoint[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        checkpoints.push(JSON.parse(line) as SignedCheckpoint);
      } catch {
        // A line cut short by a crash is skipped; the database copy of that checkpoint still counts.
      }
    }
    return checkpoints;
  }

  async latestCheckpoint(): Promise<SignedCheckpoint | null> {
    const rows = (await this.db.query('select seq, hash, at, key_id, signature from audit_checkpoint order by seq desc limit 1')) as Record<string, unknown>[];
    return rows[0] ? checkpointFromRow(rows[0]) : null;
  }

  /**
   * Streams the events of a time range for export, contiguous in seq: from the first event at or
   * after `from` to the last one before `to`, so that the export verifies on its own.
   */
  async exportRange(
    from: Date,
    to: Date,
    sink: {
      begin(range: { firstSeq: number | null; lastSeq: number | null; anchor: { seq: number; hash: string } | null; checkpoints: SignedCheckpoint[] }): Promise<void> | void;
      event(record: ChainedAuditRecord): Promise<void> | void;
    },
  ): Promise<number> {
    return this.inSnapshot(async (run) => {
      const [range] = await run('select min(seq)::bigint as first, max(seq)::bigint as last from audit_event where at >= $1 and at < $2', [from, to]);
      const firstSeq = range?.first === null || range?.first === undefined ? null : Number(range.first);
      const lastSeq = range?.last === null || range?.last === undefined ? null : Number(range.last);
      if (firstSeq === null || lastSeq === null) {
        await sink.begin({ firstSeq: null, lastSeq: null, anchor: null, checkpoints: [] });
        return 0;
      }
      const checkpoints = (await run('select seq, hash, at, key_id, signature from audit_checkpoint where seq between $1 and $2 order by seq', [firstSeq, lastSeq])).map(checkpointFromRow);
      let count = 0;
      let begun = false;
      for await (const record of readEvents(run, firstSeq, lastSeq)) {
        if (!begun) {
          await sink.begin({ firstSeq, lastSeq, anchor: { seq: firstSeq - 1, hash: record.prevHash }, checkpoints });
          begun = true;
        }
        await sink.event(record);
        count += 1;
      }
      if (!begun) await sink.begin({ firstSeq, lastSeq, anchor: null, checkpoints });
      return count;
    });
  }

  private statusOf(verdict: StoredChainVerdict): Promise<AuditChainStatus> {
    return this.latestCheckpoint().then((checkpoint) => ({
      ok: verdict.ok,
      lastVerifiedSeq: String(verdict.to),
      headSeq: String(verdict.head.seq),
      headHash: verdict.head.hash,
      brokenAt: verdict.problem ? String(verdict.problem.seq) : null,
      problem: verdict.problem?.kind ?? null,
      message: verdict.problem?.message ?? null,
      checkpointsChecked: verdict.checkpointsChecked,
      lastCheckpoint: checkpoint ? { seq: String(checkpoint.seq), hash: checkpoint.hash, at: new Date(checkpoint.at), keyId: checkpoint.keyId } : null,
      checkedAt: new Date(),
      signingKeyId: this.signingKey.keyId,
    }));
  }

  private async inSnapshot<T>(work: (run: RunQuery) => Promise<T>): Promise<T> {
    const runner: QueryRunner = this.db.createQueryRunner('master');
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('set transaction read only');
      const result = await work((sql, params) => runner.query(sql, params) as Promise<Record<string, unknown>[]>);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private where(scope: AuditScope, filter: AuditFilter): Where {
    const where = new Where();
    if (scope.kind === 'none') throw forbidden('Only auditors may read the audit trail');
    if (scope.kind === 'department') where.department(scope.department);
    if (filter.from) where.add(`at >= ${where.param(filter.from)}`);
    if (filter.to) where.add(`at < ${where.param(filter.to)}`);
    if (filter.department) where.department(filter.department);
    if (filter.dataset) where.add(`dataset = ${where.param(filter.dataset)}`);
    if (filter.principal) where.add(`principal = ${where.param(filter.principal)}`);
    if (filter.action) {
      where.add((filter.action!.endsWith('*') ? `action like ${where.param(likePrefix(filter.action!.slice(0, -1)))}` : `action = ${where.param(filter.action)}`));
    }
    if (filter.outcome) {
      if (!Object.values(AuditOutcome).includes(filter.outcome)) throw badInput('filter.outcome', 'must be ALLOWED, DENIED or ERROR');
      where.add(`outcome = ${where.param(filter.outcome)}`);
    }
    if (filter.field) {
      const field = where.param([filter.field]);
      where.add(`(fields_requested @> ${field}::text[] or fields_clear @> ${field}::text[] or fields_masked @> ${field}::text[])`);
    }
    // Contains, not equals: an auditor knows a case number or a word of the purpose, not the
    // exact text each consumer system sends.
    if (filter.purpose) where.add(`purpose ilike ${where.param(`%${escapeLikeWildcards(filter.purpose)}%`)}`);
    if (filter.requestId) where.add(`request_id = ${where.param(filter.requestId)}`);
    return where;
  }
}

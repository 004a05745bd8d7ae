import { Injectable } from '@nestjs/common';
import { AuditOutcome, AuditService, type AuditEventInput } from '@causeway/audit';
import { CatalogueVersions, DatasetStatus, DisputeLookup, FieldType, type VersionFieldSnapshot } from '@causeway/catalogue';
import {
  badInput,
  CausewayError,
  CursorCodec,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  MAX_PAGE_SIZE,
  notFound,
  Secrets,
  type RequestContext,
} from '@causeway/core';
import { DepartmentsService } from '@causeway/identity';
import { normaliseValue, openFieldsOf, parseWhere, PolicyService, toWhereJson, type FieldTypes, type PolicyDataset, type ReadPlan, type Scalar } from '@causeway/policy';
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { DataPool } from './data-pool.js';
import { FIELD_LIST_LIMITS } from './dto.js';
import { maskValue, type MaskContext } from './masks.js';
import { aggregateStatement, checkMetrics, recordsStatement, type KeysetPosition, type Metric, type MetricFn, type OrderKey, type SortDirection } from './statement.js';

export interface RecordsArgs {
  dataset: string;
  /** Fields to return; each comes clear or masked as the caller's policy says. */
  fields: readonly string[];
  where?: unknown;
  orderBy?: readonly { field: string; direction?: SortDirection | null }[] | null;
  first?: number | null;
  after?: string | null;
  /** Compute totalCount (a second pass over the filtered rows). */
  totalCount?: boolean;
  /** How the query came in, for the audit trail: "records", "typed:<apiName>", "portal", … */
  via?: string;
}

export interface RecordEdgeValue {
  cursor: string;
  node: Record<string, unknown>;
}

export interface RecordsPage {
  nodes: Record<string, unknown>[];
  /** Computed when read (one MAC per row), so answers that do not ask for edges do not pay for them. */
  readonly edges: RecordEdgeValue[];
  /** endCursor too is sealed only when read. */
  pageInfo: { hasNextPage: boolean; readonly endCursor: string | null };
  totalCount: number | null;
  /** The dataset version served. */
  version: number;
}

export interface AggregateArgs {
  dataset: string;
  groupBy?: readonly string[] | null;
  metrics?: readonly { fn: MetricFn; field?: string | null }[] | null;
  where?: unknown;
  via?: string;
}

export interface AggregateAnswer {
  groups: { key: Record<string, unknown>; count: number; metrics: { fn: MetricFn; field: string | null; value: unknown }[] }[];
  suppressedGroups: number;
  minGroupSize: number;
}

/** The key a records row carries, only when an open objection flags it. */
export const DISPUTED_KEY = '_disputed';

const MAX_FIELDS = FIELD_LIST_LIMITS.fields;
const MAX_ORDER_KEYS = 5;
const MAX_GROUP_BY = FIELD_LIST_LIMITS.groupBy;
const MAX_METRICS = 20;
const MAX_GROUPS = 10_000;

interface VersionInfo {
  versionId: string;
  tableName: string;
  version: number;
  /** Columns usable by queries: fields of both the catalogue and the version, with the same type. */
  types: FieldTypes;
}

interface Prepared {
  dataset: PolicyDataset;
  version: VersionInfo;
  catalogueTypes: FieldTypes;
}

/**
 * The exchange engine: one filter compiler, one policy check (computed once per query), one SQL
 * statement built by a builder that refuses what the plan does not allow, masks applied by the row
 * mapper before values leave this layer. The generic `records` query, the typed dataset fields
 * and `aggregate` run here, each call leaving exactly one audit event, written before the answer
 * leaves; the open-data portal's reads run in this engine too (OpenRowsService: same policy
 * plans, same builder, same data pool), audited by the portal.
 */
@Injectable()
export class ExchangeService {
  private readonly versionInfo = new Map<string, Promise<{ tableName: string; version: number; fields: VersionFieldSnapshot[] } | null>>();
  private readonly hashKey: Buffer;
  private readonly cursorKey: Buffer;

  constructor(
    private readonly policy: PolicyService,
    private readonly catalogue: CatalogueVersions,
    private readonly departments: DepartmentsService,
    private readonly pool: DataPool,
    private readonly cursors: CursorCodec,
    private readonly audit: AuditService,
    private readonly disputes: DisputeLookup,
    secrets: Secrets,
  ) {
    this.hashKey = secrets.key('mask-hash');
    this.cursorKey = secrets.key('exchange-cursor');
  }

  // ---- records -------------------------------------------------------------------------------

  async records(ctx: RequestContext, args: RecordsArgs): Promise<RecordsPage> {
    const event: AuditEventInput = {
      action: 'records.query',
      outcome: AuditOutcome.ALLOWED,
      dataset: args.dataset,
      fieldsRequested: [...new Set([...args.fields, ...(args.orderBy ?? []).map((key) => key.field)])],
      detail: { via: args.via ?? 'records' },
    };
    let page: RecordsPage;
    try {
      page = await this.runRecords(ctx, args, event);
    } catch (error) {
      await this.recordRefusal(ctx, event, error);
      throw error;
    }
    await this.audit.record(ctx, event);
    return page;
  }

  private async runRecords(ctx: RequestContext, args: RecordsArgs, event: AuditEventInput): Promise<RecordsPage> {
    const { dataset, version, catalogueTypes } = await this.prepare(ctx, args.dataset, event);
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput('first', `must be a whole number from 0 to ${MAX_PAGE_SIZE}`);
    const select = [...new Set(args.fields)];
    if (select.length > MAX_FIELDS) throw badInput('fields', `may name at most ${MAX_FIELDS} fields`);
    select.forEach((field, index) => {
      if (!catalogueTypes.has(field)) throw badInput(`fields[${index}]`, `${JSON.stringify(field.slice(0, 64))} is not a field of ${dataset.code}`);
    });
    const where = parseWhere(args.where, catalogueTypes, { path: 'where' });
    const orderBy = this.orderKeys(args.orderBy ?? [], catalogueTypes);
    event.fieldsRequested = [...new Set([...select, ...where.fields, ...orderBy.map((key) => key.field)])];

    const plan = await this.policy.plan(ctx, dataset, { mode: 'records', select, clear: [...where.fields, ...orderBy.map((key) => key.field)] });
    this.describePlan(event, plan);
    this.assertInVersion(dataset, version, event.fieldsRequested);

    // A hash of the filter: computed only for a page that takes or hands out a cursor.
    let scope: string | undefined;
    const scopeOf = () => (scope ??= this.cursorScope(ctx, dataset, version, plan, orderBy, where.cond));
    const after = args.after ? this.decodeCursor(scopeOf(), args.after, orderBy, version.types) : null;
    // One cached lookup per query; the SQL flags disputed rows only when the dataset has some.
    const disputes = await this.disputes.forVersion(dataset.id, version.version);
    const statement = recordsStatement({
      tableName: version.tableName,
      allowed: plan.allowed,
      types: version.types,
      fields: plan.fields,
      rowScope: plan.rowScope,
      where: where.cond,
      orderBy,
      after,
      first,
      withTotal: args.totalCount === true,
      disputes,
    });
    const rows = await this.pool.query(statement.sql, statement.values);
    const at = (column: string) => statement.columns.indexOf(column);
    const rowAt = at('_r');
    const totalCount = args.totalCount ? Number(rows[0]?.[at('_total')] ?? 0) : null;
    const pageRows = (args.totalCount ? rows.filter((row) => row[rowAt] !== null) : rows).slice(0, first + 1);
    const hasNextPage = pageRows.length > first;
    if (hasNextPage) pageRows.pop();

    // The row mapper: the plan's decisions resolved to column positions once, then applied per cell.
    const mask: MaskContext = { hashKey: this.hashKey, hashScope: ctx.principal.departmentId ?? 'anonymous' };
    const fields = plan.fields;
    const valueAt = fields.map((_, index) => at(`c${index}`));
    const flagAt = fields.map((_, index) => at(`f${index}`));
    const disputedAt = at('_d');
    const nodes = pageRows.map((row) => {
      const node: Record<string, unknown> = {};
      for (let index = 0; index < fields.length; index += 1) {
        const field = fields[index]!;
        const value = row[valueAt[index]!];
        const clear = field.level === 'CLEAR' || (field.level === 'MIXED' && row[flagAt[index]!] === true);
        node[field.name] = clear ? value : maskValue(field.mask, field.type, value, mask);
      }
      // Field names start with a lower-case letter, so this key never meets one.
      if (disputedAt >= 0 && row[disputedAt] === true) node[DISPUTED_KEY] = true;
      return node;
    });
    const orderAt = orderBy.map((_, key) => at(`o${key}`));
    const cursorOf = (index: number) => {
      const row = pageRows[index]!;
      const position = { v: orderAt.map((column) => row[column] ?? null), r: String(row[rowAt]) };
      return this.cursors.encode(scopeOf(), { p: this.seal(position) });
    };
    let edges: RecordEdgeValue[] | null = null;
    let endCursor: string | null | undefined;
    event.rowsReturned = nodes.length;
    return {
      nodes,
      get edges() {
        edges ??= nodes.map((node, index) => ({ node, cursor: cursorOf(index) }));
        return edges;
      },
      pageInfo: {
        hasNextPage,
        get endCursor() {
          endCursor ??= nodes.length > 0 ? cursorOf(nodes.length - 1) : null;
          return endCursor;
        },
      },
      totalCount,
      version: version.version,
    };
  }

  // ---- aggregate -----------------------------------------------------------------------------

  async aggregate(ctx: RequestContext, args: AggregateArgs): Promise<AggregateAnswer> {
    const metrics: Metric[] = (args.metrics ?? []).map((metric) => ({ fn: metric.fn, field: metric.field ?? null }));
    const groupBy = [...new Set(args.groupBy ?? [])];
    const event: AuditEventInput = {
      action: 'aggregate.query',
      outcome: AuditOutcome.ALLOWED,
      dataset: args.dataset,
      fieldsRequested: [...new Set([...groupBy, ...metrics.flatMap((metric) => (metric.field ? [metric.field] : []))])],
      detail: { via: args.via ?? 'aggregate', groupBy, metrics: metrics.map((metric) => `${metric.fn}(${metric.field ?? '*'})`) },
    };
    let answer: AggregateAnswer;
    try {
      answer = await this.runAggregate(ctx, args, groupBy, metrics, event);
    } catch (error) {
      await this.recordRefusal(ctx, event, error);
      throw error;
    }
    await this.audit.record(ctx, event);
    return answer;
  }

  private async runAggregate(ctx: RequestContext, args: AggregateArgs, groupBy: string[], metrics: Metric[], event: AuditEventInput): Promise<AggregateAnswer> {
    const { dataset, version, catalogueTypes } = await this.prepare(ctx, args.dataset, event);
    if (groupBy.length > MAX_GROUP_BY) throw badInput('groupBy', `may name at most ${MAX_GROUP_BY} fields`);
    if (metrics.length > MAX_METRICS) throw badInput('metrics', `may hold at most ${MAX_METRICS} metrics`);
    groupBy.forEach((field, index) => {
      if (!catalogueTypes.has(field)) throw badInput(`groupBy[${index}]`, `${JSON.stringify(field.slice(0, 64))} is not a field of ${dataset.code}`);
    });
    checkMetrics(metrics, catalogueTypes);
    const where = parseWhere(args.where, catalogueTypes, { path: 'where' });
    const named = [...new Set([...groupBy, ...metrics.flatMap((metric) => (metric.field ? [metric.field] : [])), ...where.fields])];
    event.fieldsRequested = named;
    const plan = await this.policy.plan(ctx, dataset, { mode: 'aggregate', select: [], clear: named });
    this.describePlan(event, plan);
    event.fieldsClear = named;
    this.assertInVersion(dataset, version, named);

    const statement = aggregateStatement({ tableName: version.tableName, allowed: plan.allowed, types: version.types, rowScope: plan.rowScope, where: where.cond, groupBy, metrics, maxGroups: MAX_GROUPS });
    const rows = await this.pool.query(statement.sql, statement.values);
    if (rows.length > MAX_GROUPS) throw badInput('groupBy', `makes more than ${MAX_GROUPS} groups: group by fewer fields or narrow with where`);
    const at = (column: string) => statement.columns.indexOf(column);
    let suppressedGroups = 0;
    const groups: AggregateAnswer['groups'] = [];
    for (const row of rows) {
      const count = Number(row[at('_n')]);
      // Statistics that could single out a person are not served under an aggregate-only grant.
      if (plan.minGroupSize > 0 && count < plan.minGroupSize) {
        suppressedGroups += 1;
        continue;
      }
      groups.push({
        key: Object.fromEntries(groupBy.map((field, index) => [field, row[at(`g${index}`)] ?? null])),
        count,
        metrics: metrics.map((metric, index) => ({ fn: metric.fn, field: metric.field, value: row[at(`m${index}`)] ?? null })),
      });
    }
    event.rowsReturned = groups.length;
    event.detail = { ...(event.detail ?? {}), suppressedGroups, minGroupSize: plan.minGroupSize };
    return { groups, suppressedGroups, minGroupSize: plan.minGroupSize };
  }

  // ---- shared steps ----------------------------------------------------------------------------

  /**
   * The dataset and its current version, or NOT_FOUND (also for drafts and retired datasets).
   * Datasets the caller may not know of (another department's drafts; for the anonymous public,
   * every dataset it may read nothing of) are refused exactly as unknown codes are.
   */
  private async prepare(ctx: RequestContext, code: string, event: AuditEventInput): Promise<Prepared> {
    const dataset = typeof code === 'string' && code.length <= 64 ? await this.policy.dataset(code) : null;
    const hidden =
      !dataset ||
      (dataset.status === DatasetStatus.DRAFT && dataset.providerDepartmentId !== ctx.principal.departmentId) ||
      (ctx.principal.kind === 'ANONYMOUS' && openFieldsOf(dataset).length === 0);
    if (hidden) throw notFound(`Dataset ${code}`);
    event.providerDepartment = (await this.departments.byId(dataset.providerDepartmentId))?.code ?? null;
    if (dataset.status !== DatasetStatus.PUBLISHED || !dataset.currentVersionId) {
      throw new CausewayError(ErrorCode.NOT_FOUND, `Dataset ${code} serves no data (${dataset.status === DatasetStatus.RETIRED ? 'retired' : 'no published version'})`);
    }
    const snapshot = await this.versionOf(dataset.currentVersionId);
    if (!snapshot) throw new CausewayError(ErrorCode.NOT_FOUND, `Dataset ${code} serves no data (no published version)`);
    event.version = snapshot.version;
    const catalogueTypes: FieldTypes = new Map(dataset.fields.map((field) => [field.name, field.type]));
    const types = new Map<string, FieldType>();
    for (const field of snapshot.fields) if (catalogueTypes.get(field.name) === field.type) types.set(field.name, field.type);
    return { dataset, version: { versionId: dataset.currentVersionId, tableName: snapshot.tableName, version: snapshot.version, types }, catalogueTypes };
  }

  /** Versions are immutable: their table and columns are cached for the life of the process. */
  private versionOf(versionId: string): Promise<{ tableName: string; version: number; fields: VersionFieldSnapshot[] } | null> {
    let hit = this.versionInfo.get(versionId);
    if (!hit) {
      if (this.versionInfo.size > 2000) this.versionInfo.clear();
      hit = this.catalogue.versionFields(versionId);
      this.versionInfo.set(versionId, hit);
      hit.then(
        (value) => value ?? this.versionInfo.delete(versionId),
        () => this.versionInfo.delete(versionId),
      );
    }
    return hit;
  }

  private orderKeys(orderBy: readonly { field: string; direction?: SortDirection | null }[], types: FieldTypes): OrderKey[] {
    if (orderBy.length > MAX_ORDER_KEYS) throw badInput('orderBy', `may hold at most ${MAX_ORDER_KEYS} keys`);
    const seen = new Set<string>();
    return orderBy.map((key, index) => {
      const type = types.get(key.field);
      if (type === undefined) throw badInput(`orderBy[${index}].field`, `${JSON.stringify(String(key.field).slice(0, 64))} is not a field of this dataset`);
      if (type === FieldType.JSON) throw badInput(`orderBy[${index}].field`, 'JSON fields cannot be sorted on');
      if (seen.has(key.field)) throw badInput(`orderBy[${index}].field`, `repeats ${key.field}`);
      seen.add(key.field);
      return { field: key.field, direction: key.direction === 'DESC' ? 'DESC' : 'ASC' };
    });
  }

  private assertInVersion(dataset: PolicyDataset, version: VersionInfo, fields: readonly string[]): void {
    const missing = fields.filter((field) => !version.types.has(field));
    if (missing.length > 0) {
      throw badInput('fields', `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in version ${version.version} of ${dataset.code} (defined after it was loaded)`);
    }
  }

  private describePlan(event: AuditEventInput, plan: ReadPlan): void {
    event.fieldsClear = plan.fields.filter((field) => field.level !== 'MASKED').map((field) => field.name);
    event.fieldsMasked = plan.fields.filter((field) => field.level !== 'CLEAR').map((field) => field.name);
    event.rowScope = toWhereJson(plan.rowScope);
    event.grants = plan.grants;
    event.detail = { ...(event.detail ?? {}), sources: plan.sourceIds };
  }

  /**
   * Cursors are MACed over everything that decides which rows a page may hold: dataset, version,
   * the caller's department, the grants (and their versions) it reads under, the order and the
   * filter. A cursor from another department's, grant's or filter's query is refused.
   */
  private cursorScope(ctx: RequestContext, dataset: PolicyDataset, version: VersionInfo, plan: ReadPlan, orderBy: OrderKey[], where: unknown): string {
    const filter = createHash('sha256').update(JSON.stringify(where)).digest('base64url');
    return ['records', dataset.id, version.versionId, ctx.principal.departmentId ?? ctx.principal.kind, plan.policyKey, JSON.stringify(orderBy), filter].join('|');
  }

  private decodeCursor(scope: string, cursor: string, orderBy: OrderKey[], types: FieldTypes): KeysetPosition {
    const sealed = this.cursors.decode<{ p?: unknown }>(scope, cursor, 'after');
    const position = typeof sealed.p === 'string' ? this.unseal(sealed.p) : null;
    if (!position) throw badInput('after', 'is not a cursor from this query; pass pageInfo.endCursor unchanged');
    const values = Array.isArray(position.v) ? position.v : null;
    if (!values || values.length !== orderBy.length || typeof position.r !== 'string' || !/^\d{1,19}$/.test(position.r)) {
      throw badInput('after', 'is not a cursor from this query; pass pageInfo.endCursor unchanged');
    }
    return {
      row: position.r,
      values: values.map((value, index): Scalar | null => {
        if (value === null) return null;
        const normalised = normaliseValue(types.get(orderBy[index]!.field)!, value);
        if (normalised === null) throw badInput('after', 'is not a cursor from this query; pass pageInfo.endCursor unchanged');
        return normalised;
      }),
    };
  }

  /**
   * Cursor positions are encrypted, not only MACed: a position holds a row number, and row numbers
   * of the rows a consumer sees would tell how many rows lie between them outside its scope. The
   * nonce is derived from the position (deterministic), so that a page's cursors do not change
   * from one identical query to the next.
   */
  private seal(position: { v: unknown[]; r: string }): string {
    const plain = Buffer.from(JSON.stringify(position));
    const nonce = createHmac('sha256', this.cursorKey).update(plain).digest().subarray(0, 12);
    const cipher = createCipheriv('aes-256-gcm', this.cursorKey, nonce);
    const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  private unseal(text: string): { v?: unknown; r?: unknown } | null {
    try {
      const bytes = Buffer.from(text, 'base64url');
      if (bytes.length < 29) return null;
      const decipher = createDecipheriv('aes-256-gcm', this.cursorKey, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as { v?: unknown; r?: unknown };
    } catch {
      return null;
    }
  }

  /** Puts a refused or failed query on record; if even that fails, the caller gets AUDIT_UNAVAILABLE. */
  private async recordRefusal(ctx: RequestContext, event: AuditEventInput, error: unknown): Promise<void> {
    const problem = error instanceof CausewayError ? error : null;
    const code = problem?.code ?? ErrorCode.INTERNAL_SERVER_ERROR;
    if (code === ErrorCode.AUDIT_UNAVAILABLE) return;
    const denied = [ErrorCode.FORBIDDEN, ErrorCode.FORBIDDEN_FIELDS, ErrorCode.BAD_USER_INPUT, ErrorCode.NOT_FOUND, ErrorCode.UNAUTHENTICATED].includes(code);
    const refused = Array.isArray(problem?.extensions.fields) ? (problem!.extensions.fields as string[]) : [];
    await this.audit.record(ctx, {
      ...event,
      outcome: denied ? AuditOutcome.DENIED : AuditOutcome.ERROR,
      fieldsRefused: refused,
      fieldsClear: denied ? [] : event.fieldsClear,
      fieldsMasked: denied ? [] : event.fieldsMasked,
      rowsReturned: 0,
      reason: problem ? `${code}: ${problem.message}`.slice(0, 500) : code,
    });
  }
}

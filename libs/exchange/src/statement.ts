import { COLUMN_TYPES, disputedCondition, FieldType, quoteVersionTable, type DisputedKeys } from '@causeway/catalogue';
import { badInput, CausewayError, ErrorCode } from '@causeway/core';
import { compileCondition, SqlParams, type Cond, type FieldPlan, type FieldTypes, type ReadPlan, type Scalar } from '@causeway/policy';
import pg from 'pg';

/**
 * Builds the one SQL statement of a data query from its plan. Identifiers come only from the
 * field whitelist (quoted), values only as parameters; result columns get positional aliases
 * (c0, c1, …) so that no field name ever becomes a result key the database chose.
 *
 * The builders are the second lock behind planRead: they take what the plan allows and refuse
 * (FORBIDDEN_FIELDS) any field the caller's part of the statement names beyond it — a returned
 * field outside `allowed.select`; a filtered, sorted, grouped or aggregated field (or a cursor
 * key) outside `allowed.clear`. The plan's own conditions (the grants' row scopes, where a MIXED
 * field is clear) and the disputed records' keys are the provider's, not the caller's, and may
 * name any column of the version.
 */

/** What a statement may name: `ReadPlan.allowed`. */
export type PlannedColumns = ReadPlan['allowed'];

/**
 * The only way past the plan's allowance, for reads the provider makes of its own data (never a
 * consumer's or the public's request): pass `{ bypassPolicy: 'provider-own-read' }` as `allowed`.
 */
export interface ProviderOwnRead {
  bypassPolicy: 'provider-own-read';
}

export type StatementAllowance = PlannedColumns | ProviderOwnRead;

const bypassed = (allowed: StatementAllowance): allowed is ProviderOwnRead => 'bypassPolicy' in allowed && allowed.bypassPolicy === 'provider-own-read';

/**
 * Refuses a statement naming fields its plan does not allow. Checked once per statement, never
 * per row. The message names fields and where they were used, never a value.
 */
export function assertAllowed(allowed: StatementAllowance, uses: { select?: readonly string[]; clear?: readonly { role: string; fields: Iterable<string> }[] }): void {
  if (bypassed(allowed)) return;
  let refused: Map<string, string> | null = null;
  for (const field of uses.select ?? []) if (!allowed.select.has(field)) (refused ??= new Map()).set(field, 'fields');
  for (const { role, fields } of uses.clear ?? []) for (const field of fields) if (!allowed.clear.has(field) && !refused?.has(field)) (refused ??= new Map()).set(field, role);
  if (!refused) return;
  const names = [...refused.keys()];
  const listed = [...refused].map(([field, role]) => `${JSON.stringify(field.slice(0, 64))} (${role})`).join(', ');
  throw new CausewayError(ErrorCode.FORBIDDEN_FIELDS, `The statement names fields its policy plan does not allow: ${listed}`, { fields: names });
}

/** The fields a condition compares, in order (a field may repeat). */
function conditionFields(cond: Cond, into: string[] = []): string[] {
  switch (cond.kind) {
    case 'cmp':
      into.push(cond.field);
      break;
    case 'not':
      conditionFields(cond.item, into);
      break;
    case 'and':
    case 'or':
      for (const item of cond.items) conditionFields(item, into);
      break;
  }
  return into;
}

export type SortDirection = 'ASC' | 'DESC';

export interface OrderKey {
  field: string;
  direction: SortDirection;
}

/** Position after which the next page starts: the order keys' values and the row number. */
export interface KeysetPosition {
  values: (Scalar | number | null)[];
  row: string;
}

const col = (field: string) => `t.${pg.escapeIdentifier(field)}`;

/** A scope that cannot be compiled (its fields are not in this version) admits no rows. */
export function compileScope(cond: Cond, types: FieldTypes, params: SqlParams): string {
  try {
    return compileCondition(cond, { fields: types, alias: 't', params });
  } catch {
    return 'false';
  }
}

/**
 * Keyset condition for "after this position" under ORDER BY keys…, _row: ASC sorts nulls last and
 * DESC nulls first (as a plain b-tree index serves both), _row breaks ties.
 */
export function keysetCondition(keys: readonly OrderKey[], position: KeysetPosition, types: FieldTypes, params: SqlParams): string {
  const build = (index: number): string => {
    if (index === keys.length) return `t._row > ${params.add(position.row, 'bigint')}`;
    const { field, direction } = keys[index]!;
    const value = position.values[index];
    const column = col(field);
    const cast = COLUMN_TYPES[types.get(field)!];
    if (value === null || value === undefined) {
      const rest = build(index + 1);
      // Nulls come last in ASC (only nulls follow) and first in DESC (every value follows).
      return direction === 'ASC' ? `(${column} is null and ${rest})` : `(${column} is not null or (${column} is null and ${rest}))`;
    }
    const param = params.add(value, cast);
    const rest = build(index + 1);
    return direction === 'ASC'
      ? `(${column} > ${param} or ${column} is null or (${column} = ${param} and ${rest}))`
      : `(${column} < ${param} or (${column} = ${param} and ${rest}))`;
  };
  return build(0);
}

export interface RecordsStatementInput {
  tableName: string;
  /** From the plan: the fields returned, and those that may be filtered and sorted on. */
  allowed: StatementAllowance;
  /** Types of the columns this query may touch (fields of both the catalogue and the version). */
  types: FieldTypes;
  fields: readonly FieldPlan[];
  rowScope: Cond;
  where: Cond;
  orderBy: readonly OrderKey[];
  after: KeysetPosition | null;
  /** Rows wanted; one more is read to know whether another page follows. */
  first: number;
  withTotal: boolean;
  /** Records under open objections, flagged in the column _d; null (the common case) adds nothing. */
  disputes?: DisputedKeys | null;
}

export interface Statement {
  sql: string;
  values: unknown[];
  /** Result column names in order (rows may be read as arrays). */
  columns: string[];
}

/**
 * Result columns: _r (row number), c<i> (field i), f<i> (whether field i is clear in this row,
 * for MIXED fields), o<i> (order key i, for the cursor), _d (the row is disputed) when some
 * records of the dataset are, and _total when asked.
 */
export function recordsStatement(input: RecordsStatementInput): Statement {
  const orderFields = input.orderBy.map((key) => key.field);
  assertAllowed(input.allowed, {
    select: input.fields.map((field) => field.name),
    clear: [
      { role: 'where', fields: conditionFields(input.where) },
      { role: 'orderBy', fields: orderFields },
    ],
  });
  // A keyset position holds one value per order key: more would compare columns the order does not name.
  if (input.after && input.after.values.length !== input.orderBy.length) throw new Error('a keyset position must hold one value per order key');
  const params = new SqlParams();
  const table = quoteVersionTable(input.tableName);
  const scope = compileScope(input.rowScope, input.types, params);
  const filter = input.where.kind === 'true' ? null : compileCondition(input.where, { fields: input.types, alias: 't', params });
  const base = [scope === 'true' ? null : scope, filter].filter((part): part is string => part !== null);
  const select = ['t._row as _r'];
  const columns = ['_r'];
  input.fields.forEach((field, index) => {
    select.push(`${col(field.name)} as c${index}`);
    columns.push(`c${index}`);
    if (field.level === 'MIXED' && field.clearWhen) {
      select.push(`${compileScope(field.clearWhen, input.types, params)} as f${index}`);
      columns.push(`f${index}`);
    }
  });
  input.orderBy.forEach((key, index) => {
    select.push(`${col(key.field)} as o${index}`);
    columns.push(`o${index}`);
  });
  const disputed = input.disputes ? disputedCondition(input.disputes, input.types, col, (value, cast) => params.add(value, cast)) : null;
  if (disputed) {
    select.push(`${disputed} as _d`);
    columns.push('_d');
  }
  const order = [
    ...input.orderBy.map((key) => `${col(key.field)} ${key.direction === 'ASC' ? 'asc nulls last' : 'desc nulls first'}`),
    't._row asc',
  ].join(', ');
  const conditions = [...base];
  if (input.after) conditions.push(keysetCondition(input.orderBy, input.after, input.types, params));
  const where = (parts: string[]) => (parts.length > 0 ? ` where ${parts.join(' and ')}` : '');
  const limit = params.add(input.first + 1, 'int');
  const page = `select ${select.join(', ')} from ${table} t${where(conditions)} order by ${order} limit ${limit}`;
  if (!input.withTotal) return { sql: page, values: params.values, columns };
  // One statement: the count (without the keyset) and the page; an empty page still carries the count.
  const outerOrder = [...input.orderBy.map((key, index) => `p.o${index} ${key.direction === 'ASC' ? 'asc nulls last' : 'desc nulls first'}`), 'p._r asc'].join(', ');
  return {
    sql: `select n._total, p.* from (select count(*) as _total from ${table} t${where(base)}) n left join lateral (${page}) p on true order by ${outerOrder}`,
    values: params.values,
    columns: ['_total', ...columns],
  };
}

export type MetricFn = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';

export interface Metric {
  fn: MetricFn;
  /** null: COUNT(*) */
  field: string | null;
}

const NUMERIC = new Set<FieldType>([FieldType.INTEGER, FieldType.DECIMAL]);
const ORDERED = new Set<FieldType>([FieldType.STRING, FieldType.INTEGER, FieldType.DECIMAL, FieldType.DATE, FieldType.DATETIME]);

/** Checks metrics against the field types; BAD_USER_INPUT says which function fits. */
export function checkMetrics(metrics: readonly Metric[], types: FieldTypes): void {
  metrics.forEach((metric, index) => {
    const at = `metrics[${index}]`;
    if (metric.field === null) {
      if (metric.fn !== 'COUNT') throw badInput(`${at}.field`, `${metric.fn} needs a field`);
      return;
    }
    const type = types.get(metric.field);
    if (type === undefined) throw badInput(`${at}.field`, 'is not a field of this dataset');
    if ((metric.fn === 'SUM' || metric.fn === 'AVG') && !NUMERIC.has(type)) throw badInput(`${at}.fn`, `${metric.fn} needs an INTEGER or DECIMAL field`);
    if ((metric.fn === 'MIN' || metric.fn === 'MAX') && !ORDERED.has(type)) throw badInput(`${at}.fn`, `${metric.fn} needs a text, number, date or date-time field`);
  });
}

export interface AggregateStatementInput {
  tableName: string;
  /** From the plan: the fields that may be grouped, aggregated and filtered on. */
  allowed: StatementAllowance;
  types: FieldTypes;
  rowScope: Cond;
  where: Cond;
  groupBy: readonly string[];
  metrics: readonly Metric[];
  /** Groups read at most (one more tells that there are too many). */
  maxGroups: number;
}

/** Result columns: g<i> (group key i), _n (rows in the group), m<i> (metric i). */
export function aggregateStatement(input: AggregateStatementInput): Statement {
  assertAllowed(input.allowed, {
    clear: [
      { role: 'where', fields: conditionFields(input.where) },
      { role: 'groupBy', fields: input.groupBy },
      { role: 'metrics', fields: input.metrics.flatMap((metric) => (metric.field === null ? [] : [metric.field])) },
    ],
  });
  const params = new SqlParams();
  const table = quoteVersionTable(input.tableName);
  const parts = [compileScope(input.rowScope, input.types, params)];
  if (input.where.kind !== 'true') parts.push(compileCondition(input.where, { fields: input.types, alias: 't', params }));
  const select = [
    ...input.groupBy.map((field, index) => `${col(field)} as g${index}`),
    'count(*) as _n',
    ...input.metrics.map((metric, index) => {
      const target = metric.field === null ? '*' : col(metric.field);
      return `${metric.fn.toLowerCase()}(${target}) as m${index}`;
    }),
  ];
  const grouping = input.groupBy.length > 0 ? ` group by ${input.groupBy.map((_, index) => index + 1).join(', ')} order by ${input.groupBy.map((_, index) => `${index + 1} asc nulls last`).join(', ')}` : '';
  const limit = params.add(input.maxGroups + 1, 'int');
  const columns = [...input.groupBy.map((_, index) => `g${index}`), '_n', ...input.metrics.map((_, index) => `m${index}`)];
  return { sql: `select ${select.join(', ')} from ${table} t where ${parts.filter((part) => part !== 'true').join(' and ') || 'true'}${grouping} limit ${limit}`, values: params.values, columns };
}


import { COLUMN_TYPES, disputedCondition, FieldType, quoteVersionTable, type DisputedKeys } from '@causeway/catalogue';
import { escapeLikeWildcards } from '@causeway/core';
import { SqlParams, type Cond, type FieldTypes } from '@causeway/policy';
import pg from 'pg';
import { assertAllowed, compileScope, type Statement, type StatementAllowance } from './statement.js';

/**
 * The statements of the open reads (the portal's CKAN datastore_search and downloads): pages of
 * rows filtered by equality or any-of, searched for words, sorted, limited and offset; counts; and
 * the whole-version export. Same rules as the records statement: identifiers only from the
 * readable columns, values only as parameters (an export's disputed keys, which a cursor
 * declaration cannot bind, as escaped literals), and every column the caller names checked
 * against what the plan allows.
 */

/** A column an open read may name: a field of the version, or `_id` (the row's position in the file). */
export interface ReadableColumn {
  name: string;
  type: FieldType;
}

/** CKAN's `_id` is the version table's `_row`. */
export const ID_COLUMN: ReadableColumn = { name: '_id', type: FieldType.INTEGER };

export interface RowFilter {
  column: string;
  /** One value means equality, several mean "any of"; each already checked against the column type. */
  values: string[];
}

export interface RowWords {
  /** null: the words may appear in any readable column. */
  column: string | null;
  words: string[];
}

export interface RowSort {
  column: string;
  descending: boolean;
}

export interface RowQuery {
  filters: RowFilter[];
  search: RowWords[];
  sort: RowSort[];
  limit: number;
  offset: number;
}

export interface TableStatementInput {
  tableName: string;
  /** The fields a read may name besides `_id`, typed as stored; a search for words in no column looks in all of them. */
  columns: readonly ReadableColumn[];
  /** Every column of the version as stored: the provider's conditions (row scope, disputed keys) may name any. */
  storedTypes: FieldTypes;
  /** From the plan: the fields returned, and those that may be filtered, searched and sorted on. */
  allowed: StatementAllowance;
  rowScope: Cond;
}

/** What a read names, as a plan request: the fields returned, and those it filters, searches or sorts on (rule 7). */
export function namedFields(columns: readonly ReadableColumn[], select: readonly string[], query: Pick<RowQuery, 'filters' | 'search' | 'sort'>): { select: string[]; clear: string[] } {
  const fields = (names: Iterable<string>) => [...new Set(names)].filter((name) => name !== ID_COLUMN.name);
  return {
    select: fields(select),
    clear: fields([
      ...query.filters.map((filter) => filter.column),
      ...query.search.flatMap((search) => (search.column === null ? columns.map((column) => column.name) : [search.column])),
      ...query.sort.map((key) => key.column),
    ]),
  };
}

/** The column's expression on the table alias t; `_id` reads `_row`. */
function columnRef(name: string): string {
  return name === ID_COLUMN.name ? 't._row' : `t.${pg.escapeIdentifier(name)}`;
}

/**
 * A column as text, the same for CSV cells and text search: dates and times in ISO 8601 (as in
 * the JSON download), whatever the server's DateStyle.
 */
export function textExpression(column: ReadableColumn): string {
  const ref = columnRef(column.name);
  switch (column.type) {
    case FieldType.STRING:
      return ref;
    case FieldType.DATE:
    case FieldType.DATETIME:
      return `(to_json(${ref}) #>> '{}')`;
    default:
      return `${ref}::text`;
  }
}

/** Escapes LIKE wildcards so that a search for "100%" finds the text "100%". */
export function likeContains(word: string): string {
  return `%${escapeLikeWildcards(word)}%`;
}

/** Text cells named c0, c1, …: two expressions never collapse into one result column. */
function textList(columns: readonly ReadableColumn[]): string {
  return columns.map((column, index) => `${textExpression(column)} as c${index}`).join(', ');
}

function lateralRow(selected: readonly ReadableColumn[]): string {
  const list = selected.map((column) => `${columnRef(column.name)} as ${pg.escapeIdentifier(column.name)}`).join(', ');
  return `cross join lateral (select ${list}) as _r`;
}

/**
 * The readable columns by name, after checking what the read names against the plan. `_id` (row
 * positions) is allowed only when every row is admitted: positions of a scoped read would tell
 * how many rows lie between them outside the scope.
 */
function checked(input: TableStatementInput, select: readonly string[], query: Pick<RowQuery, 'filters' | 'search' | 'sort'>): Map<string, ReadableColumn> {
  const columns = new Map<string, ReadableColumn>([[ID_COLUMN.name, ID_COLUMN], ...input.columns.map((column): [string, ReadableColumn] => [column.name, column])]);
  const named = [...select, ...query.filters.map((filter) => filter.column), ...query.search.flatMap((search) => (search.column === null ? [] : [search.column])), ...query.sort.map((key) => key.column)];
  for (const name of named) if (!columns.has(name)) throw new Error(`not a readable column: ${JSON.stringify(name.slice(0, 64))}`);
  const fields = namedFields(input.columns, select, query);
  const positions = input.rowScope.kind === 'true' || !named.includes(ID_COLUMN.name) ? [] : [ID_COLUMN.name];
  assertAllowed(input.allowed, {
    select: fields.select,
    clear: [
      { role: 'filters, q or sort', fields: fields.clear },
      { role: 'row positions, served only when every row is admitted', fields: positions },
    ],
  });
  return columns;
}

/** row scope AND filters AND words, over the parameters of one statement. */
function whereClause(input: TableStatementInput, columns: Map<string, ReadableColumn>, query: Pick<RowQuery, 'filters' | 'search'>, params: SqlParams): string {
  const conditions: string[] = [];
  if (input.rowScope.kind !== 'true') conditions.push(compileScope(input.rowScope, input.storedTypes, params));
  for (const filter of query.filters) {
    const column = columns.get(filter.column)!;
    const cast = COLUMN_TYPES[column.type];
    if (filter.values.length === 1) conditions.push(`${columnRef(column.name)} = ${params.add(filter.values[0], cast)}`);
    else if (filter.values.length === 0) conditions.push('false');
    else conditions.push(`${columnRef(column.name)} = any(${params.add(filter.values, `${cast}[]`)})`);
  }
  for (const search of query.search) {
    let haystack: string;
    if (search.column === null) {
      haystack = input.columns.length > 0 ? `concat_ws(' ', ${input.columns.map(textExpression).join(', ')})` : `''`;
    } else {
      haystack = `coalesce(${textExpression(columns.get(search.column)!)}, '')`;
    }
    for (const word of search.words) conditions.push(`${haystack} ilike ${params.add(likeContains(word), 'text')}`);
  }
  return conditions.length > 0 ? ` where ${conditions.join(' and ')}` : '';
}

function orderClause(sort: readonly RowSort[]): string {
  const keys = sort.map((key) => `${columnRef(key.column)} ${key.descending ? 'desc' : 'asc'}`);
  // File order breaks ties, so that pages never overlap or skip rows.
  if (!sort.some((key) => key.column === ID_COLUMN.name)) keys.push('t._row asc');
  return ` order by ${keys.join(', ')}`;
}

export type PageFormat = 'objects' | 'lists' | 'text';

/**
 * One page of rows: each a JSON text built by PostgreSQL (objects, or lists in the order
 * selected), so that numbers and dates come out exactly as stored, in the column `j`; or text
 * cells (c0, c1, …) for CSV/TSV records. With `disputes` (objects only), `_d` says whether an
 * open objection flags the row.
 */
export function pageStatement(input: TableStatementInput, select: readonly string[], query: RowQuery, format: PageFormat, disputes: DisputedKeys | null = null): Statement {
  const columns = checked(input, select, query);
  const selected = select.map((name) => columns.get(name)!);
  const params = new SqlParams();
  const table = quoteVersionTable(input.tableName);
  const where = whereClause(input, columns, query, params);
  const order = orderClause(query.sort);
  const limit = params.add(query.limit, 'bigint');
  const offset = params.add(query.offset, 'bigint');
  if (format === 'text') {
    return {
      sql: `select ${textList(selected)} from ${table} t${where}${order} limit ${limit} offset ${offset}`,
      values: params.values,
      columns: selected.map((_, index) => `c${index}`),
    };
  }
  const json = format === 'objects' ? 'row_to_json(_r)' : `(select coalesce(json_agg(e.value), '[]'::json) from json_each(row_to_json(_r)) as e)`;
  const disputed = disputes && format === 'objects' ? disputedCondition(disputes, input.storedTypes, columnRef, (value, cast) => params.add(value, cast)) : null;
  return {
    sql: `select ${json}::text as j${disputed ? `, ${disputed} as _d` : ''} from ${table} t ${lateralRow(selected)}${where}${order} limit ${limit} offset ${offset}`,
    values: params.values,
    columns: disputed ? ['j', '_d'] : ['j'],
  };
}

/** The rows a page's filters and words admit, counted (as text, in the column `total`). */
export function countStatement(input: TableStatementInput, query: Pick<RowQuery, 'filters' | 'search'>): Statement {
  const columns = checked(input, [], { ...query, sort: [] });
  const params = new SqlParams();
  const where = whereClause(input, columns, query, params);
  return { sql: `select count(*)::text as total from ${quoteVersionTable(input.tableName)} t${where}`, values: params.values, columns: ['total'] };
}

/**
 * A whole version in file order, for downloads: the row (text cells for CSV, one JSON object
 * text for JSON) and last `_d`, 'true' when an open objection flags the row. A cursor
 * declaration takes no bind parameters, so the disputed keys are escaped literals; and an export
 * serves every row, so it is built only under a plan that admits every row.
 */
export function exportStatement(input: TableStatementInput, format: 'csv' | 'json', disputes: DisputedKeys | null = null): string {
  if (input.rowScope.kind !== 'true') throw new Error('a whole-version export is built only under a plan that admits every row');
  checked(input, input.columns.map((column) => column.name), { filters: [], search: [], sort: [] });
  const disputed = disputes ? disputedCondition(disputes, input.storedTypes, columnRef, (value, cast) => `${pg.escapeLiteral(String(value))}::${cast}`) : null;
  const flag = disputed ? `case when ${disputed} then 'true' else 'false' end as _d` : `'false' as _d`;
  const table = quoteVersionTable(input.tableName);
  const row = format === 'csv' ? `${textList(input.columns)}, ${flag} from ${table} t` : `row_to_json(_r)::text, ${flag} from ${table} t ${lateralRow(input.columns)}`;
  return `select ${row} order by t._row`;
}

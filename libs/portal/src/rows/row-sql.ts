import { disputedCondition, FieldType, type DisputedKeys } from '@causeway/catalogue';
import { escapeLikeWildcards } from '@causeway/core';
import pg from 'pg';

/**
 * SQL over a version table for the portal's anonymous reads. Pure: it only builds text and
 * parameters. Identifiers come only from the column whitelist a RowSource carries (the PUBLIC
 * fields of an OPEN dataset present in the version's table); every value is a parameter, except
 * the disputed keys of an export (escaped literals, see disputedSql).
 */

/** A column the caller may read: a public field, or `_id` (the row's position in the file). */
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

export interface Sql {
  text: string;
  values: unknown[];
}

const TABLE = /^[a-z_][a-z0-9_]{0,62}\.[a-z_][a-z0-9_]{0,62}$/;

/** "causeway_data.d_…_v3" → "causeway_data"."d_…_v3"; anything else is refused, not quoted. */
export function qualifiedTable(tableName: string): string {
  if (!TABLE.test(tableName)) throw new Error(`not a version table name: ${tableName}`);
  const [schema, table] = tableName.split('.') as [string, string];
  return `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
}

/** The column's expression on the table alias x; `_id` reads `_row`. */
function columnRef(name: string): string {
  return name === ID_COLUMN.name ? 'x."_row"' : `x.${pg.escapeIdentifier(name)}`;
}

/** PostgreSQL type a filter value is cast to, so that "10" compares with a bigint as 10. */
const CAST: Record<FieldType, string> = {
  [FieldType.STRING]: 'text',
  [FieldType.INTEGER]: 'bigint',
  [FieldType.DECIMAL]: 'numeric',
  [FieldType.BOOLEAN]: 'boolean',
  [FieldType.DATE]: 'date',
  [FieldType.DATETIME]: 'timestamptz',
  [FieldType.JSON]: 'jsonb',
};

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

/** Text cells named c0, c1, …: two expressions never collapse into one result column. */
function textList(columns: ReadableColumn[]): string {
  return columns.map((column, index) => `${textExpression(column)} as c${index}`).join(', ');
}

/** Escapes LIKE wildcards so that a search for "100%" finds the text "100%". */
export function likeContains(word: string): string {
  return `%${escapeLikeWildcards(word)}%`;
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function whereClause(columns: Map<string, ReadableColumn>, query: Pick<RowQuery, 'filters' | 'search'>, params: Params): string {
  const conditions: string[] = [];
  for (const filter of query.filters) {
    const column = columns.get(filter.column);
    if (!column) throw new Error(`filter on a column that is not readable: ${filter.column}`);
    const cast = CAST[column.type];
    if (filter.values.length === 1) conditions.push(`${columnRef(column.name)} = ${params.add(filter.values[0])}::${cast}`);
    else if (filter.values.length === 0) conditions.push('false');
    else conditions.push(`${columnRef(column.name)} = any(${params.add(filter.values)}::${cast}[])`);
  }
  for (const search of query.search) {
    let haystack: string;
    if (search.column === null) {
      const all = [...columns.values()].filter((column) => column.name !== ID_COLUMN.name);
      haystack = all.length > 0 ? `concat_ws(' ', ${all.map(textExpression).join(', ')})` : `''`;
    } else {
      const column = columns.get(search.column);
      if (!column) throw new Error(`search in a column that is not readable: ${search.column}`);
      haystack = `coalesce(${textExpression(column)}, '')`;
    }
    for (const word of search.words) conditions.push(`${haystack} ilike ${params.add(likeContains(word))}`);
  }
  return conditions.length > 0 ? ` where ${conditions.join(' and ')}` : '';
}

function orderClause(columns: Map<string, ReadableColumn>, sort: RowSort[]): string {
  const keys = sort.map((key) => {
    if (!columns.has(key.column)) throw new Error(`sort on a column that is not readable: ${key.column}`);
    return `${columnRef(key.column)} ${key.descending ? 'desc' : 'asc'}`;
  });
  // File order breaks ties, so that pages never overlap or skip rows.
  if (!sort.some((key) => key.column === ID_COLUMN.name)) keys.push('x."_row" asc');
  return ` order by ${keys.join(', ')}`;
}

function byName(readable: ReadableColumn[]): Map<string, ReadableColumn> {
  return new Map([[ID_COLUMN.name, ID_COLUMN], ...readable.map((column): [string, ReadableColumn] => [column.name, column])]);
}

function lateralRow(selected: ReadableColumn[]): string {
  const list = selected.map((column) => `${columnRef(column.name)} as ${pg.escapeIdentifier(column.name)}`).join(', ');
  return `cross join lateral (select ${list}) as _r`;
}

/**
 * One page of rows, each as a JSON text (objects) or a JSON array text (lists), built by
 * PostgreSQL so that numbers and dates come out exactly as stored.
 */
export function pageSql(tableName: string, readable: ReadableColumn[], selected: ReadableColumn[], query: RowQuery, format: 'objects' | 'lists'): Sql {
  const columns = byName(readable);
  for (const column of selected) if (!columns.has(column.name)) throw new Error(`select of a column that is not readable: ${column.name}`);
  const params = new Params();
  const where = whereClause(columns, query, params);
  const json = format === 'objects' ? 'row_to_json(_r)' : `(select coalesce(json_agg(e.value), '[]'::json) from json_each(row_to_json(_r)) as e)`;
  const limit = params.add(query.limit);
  const offset = params.add(query.offset);
  return {
    text: `select ${json}::text as j from ${qualifiedTable(tableName)} as x ${lateralRow(selected)}${where}${orderClause(columns, query.sort)} limit ${limit} offset ${offset}`,
    values: params.values,
  };
}

/** One page of rows as text cells, for CSV and TSV records. */
export function pageTextSql(tableName: string, readable: ReadableColumn[], selected: ReadableColumn[], query: RowQuery): Sql {
  const columns = byName(readable);
  for (const column of selected) if (!columns.has(column.name)) throw new Error(`select of a column that is not readable: ${column.name}`);
  const params = new Params();
  const where = whereClause(columns, query, params);
  const limit = params.add(query.limit);
  const offset = params.add(query.offset);
  return {
    text: `select ${textList(selected)} from ${qualifiedTable(tableName)} as x${where}${orderClause(columns, query.sort)} limit ${limit} offset ${offset}`,
    values: params.values,
  };
}

export function countSql(tableName: string, readable: ReadableColumn[], query: Pick<RowQuery, 'filters' | 'search'>): Sql {
  const params = new Params();
  const where = whereClause(byName(readable), query, params);
  return { text: `select count(*)::text as total from ${qualifiedTable(tableName)} as x${where}`, values: params.values };
}

/** A whole version in file order, for downloads: text cells (CSV) or one JSON object per row. */
/**
 * "This row is disputed" over the alias x, with the key values as escaped literals (a cursor
 * declaration takes no bind parameters); the key columns need not be public, only the flag leaves.
 */
export function disputedSql(disputes: DisputedKeys, storedTypes: ReadonlyMap<string, FieldType>): string | null {
  return disputedCondition(disputes, storedTypes, columnRef, (value, cast) => `${pg.escapeLiteral(String(value))}::${cast}`);
}

/** The export: the row (text cells, or one JSON text) and last the disputed flag (`_d`, 'true' or 'false'). */
export function exportSql(tableName: string, readable: ReadableColumn[], format: 'csv' | 'json', disputed: string | null = null): string {
  const flag = disputed ? `case when ${disputed} then 'true' else 'false' end as _d` : `'false' as _d`;
  const select = `${format === 'csv' ? textList(readable) : `row_to_json(_r)::text`}, ${flag}`;
  const from = format === 'csv' ? `${qualifiedTable(tableName)} as x` : `${qualifiedTable(tableName)} as x ${lateralRow(readable)}`;
  return `select ${select} from ${from} order by x."_row"`;
}

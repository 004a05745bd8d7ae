import pg from 'pg';
import type { VersionFieldSnapshot } from '../entities.js';
import { FieldType } from '../enums.js';

/**
 * The one owner of version tables: every version of a dataset's rows is a real typed table in
 * DATA_SCHEMA, and every statement that names one is built here, so that the name, its quoting,
 * the column types and the DDL cannot drift apart between ingest, retention, the exchange, the
 * portal, the tests and the benchmarks.
 */

/**
 * Schema holding one typed table per dataset version. The foundation migration creates it under
 * its own literal (a migration is history and keeps its meaning); a unit test proves they agree.
 */
export const DATA_SCHEMA = 'causeway_data';

/** The only names a version table can have: the dataset id without dashes, and the version number. */
const VERSION_TABLE = new RegExp(`^${DATA_SCHEMA}\\.d_[0-9a-f]{32}_v[1-9][0-9]{0,8}$`);
const DATASET_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** PostgreSQL column type of each field type (also the cast a filter value gets). */
export const COLUMN_TYPES: Record<FieldType, string> = {
  [FieldType.STRING]: 'text',
  [FieldType.INTEGER]: 'bigint',
  [FieldType.DECIMAL]: 'numeric',
  [FieldType.BOOLEAN]: 'boolean',
  [FieldType.DATE]: 'date',
  [FieldType.DATETIME]: 'timestamptz',
  [FieldType.JSON]: 'jsonb',
};

/** The table holding one version of a dataset's rows, schema-qualified: causeway_data.d_<id>_v<N>. */
export function versionTableName(datasetId: string, version: number): string {
  if (!DATASET_ID.test(datasetId)) throw new Error(`not a dataset id: ${datasetId}`);
  if (!Number.isInteger(version) || version < 1 || version > 999_999_999) throw new Error(`not a version number: ${version}`);
  return `${DATA_SCHEMA}.d_${datasetId.replace(/-/g, '')}_v${version}`;
}

/**
 * A version table's name quoted for SQL ("causeway_data"."d_…_v3"). Anything that is not a
 * version table's name is refused, not quoted: a table name read from a row never reaches SQL
 * unless it could only have come from versionTableName.
 */
export function quoteVersionTable(tableName: string): string {
  if (!VERSION_TABLE.test(tableName)) throw new Error(`not a version table: ${JSON.stringify(tableName.slice(0, 120))}`);
  const [schema, table] = tableName.split('.') as [string, string];
  return `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
}

const column = (name: string): string => pg.escapeIdentifier(name);

/** The version table: `_row` (file order, 1..N), then one typed column per field; indexes come after the load. */
export function createVersionTableSql(tableName: string, fields: readonly VersionFieldSnapshot[]): string {
  const columns = fields.map((field) => `${column(field.name)} ${COLUMN_TYPES[field.type]}${field.nullable ? '' : ' not null'}`);
  return `create table ${quoteVersionTable(tableName)} (_row bigint not null, ${columns.join(', ')})`;
}

/** COPY into a table created in the same transaction (FREEZE: its rows need no later vacuum to be visible to all). */
export function copyIntoVersionTableSql(tableName: string, fields: readonly VersionFieldSnapshot[]): string {
  const columns = ['_row', ...fields.map((field) => field.name)].map(column).join(', ');
  return `copy ${quoteVersionTable(tableName)} (${columns}) from stdin with (format text, freeze)`;
}

/** The unique index on the key fields, named after its table (<table>_key). */
export function versionKeyIndexSql(tableName: string, keys: readonly Pick<VersionFieldSnapshot, 'name'>[]): string {
  if (keys.length === 0) throw new Error('a key index needs at least one key field');
  const table = quoteVersionTable(tableName);
  return `create unique index ${column(`${tableName.split('.')[1]!}_key`)} on ${table} (${keys.map((key) => column(key.name)).join(', ')})`;
}

/** `_row` as the primary key: the order pages follow and the identity of a row in the version. */
export function versionPrimaryKeySql(tableName: string): string {
  return `alter table ${quoteVersionTable(tableName)} add primary key (_row)`;
}

/** Statistics for the planner, taken once the rows are in. */
export function analyzeVersionTableSql(tableName: string): string {
  return `analyze ${quoteVersionTable(tableName)}`;
}

/** Retention: the version's rows go with their table. */
export function dropVersionTableSql(tableName: string): string {
  return `drop table if exists ${quoteVersionTable(tableName)}`;
}

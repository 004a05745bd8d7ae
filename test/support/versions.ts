import { CatalogueService, COLUMN_TYPES, type VersionFieldSnapshot } from '@causeway/catalogue';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { TestGateway } from './gateway.js';

/**
 * Loads rows into a new version of a dataset the way ingest does (a typed table per version,
 * `_row` in file order, a unique index on key fields), without going through a file: the
 * exchange tests need exact control of every cell.
 */
export async function loadVersion(gateway: TestGateway, provider: string, code: string, rows: Record<string, unknown>[], options: { publish?: boolean } = {}): Promise<number> {
  const ctx = await gateway.steward(provider);
  const catalogue = gateway.get(CatalogueService);
  const db = gateway.app.get<DataSource>(getDataSourceToken() as string);
  const version = await db.transaction(async (tx) => {
    const begun = await catalogue.beginVersion(tx, ctx, code);
    const fields: VersionFieldSnapshot[] = begun.dataset.fields.map(({ name, title, type, nullable, isKey }) => ({ name, title, type, nullable, isKey }));
    const [schema, table] = begun.tableName.split('.') as [string, string];
    const qualified = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
    const columns = fields.map((field) => `${pg.escapeIdentifier(field.name)} ${COLUMN_TYPES[field.type]}${field.nullable ? '' : ' not null'}`);
    await tx.query(`create table ${qualified} (_row bigint primary key, ${columns.join(', ')})`);
    const keys = fields.filter((field) => field.isKey);
    if (keys.length > 0) await tx.query(`create unique index on ${qualified} (${keys.map((field) => pg.escapeIdentifier(field.name)).join(', ')})`);
    const names = ['_row', ...fields.map((field) => field.name)];
    for (let start = 0; start < rows.length; start += 500) {
      const chunk = rows.slice(start, start + 500);
      const values: unknown[] = [];
      const tuples = chunk.map((row, offset) => {
        const cells = [start + offset + 1, ...fields.map((field) => (row[field.name] === undefined ? null : field.type === 'JSON' && row[field.name] !== null ? JSON.stringify(row[field.name]) : row[field.name]))];
        return `(${cells.map((cell) => {
          values.push(cell);
          return `$${values.length}`;
        })})`;
      });
      await tx.query(`insert into ${qualified} (${names.map((name) => pg.escapeIdentifier(name)).join(', ')}) values ${tuples.join(', ')}`, values);
    }
    const checksum = createHash('sha256').update(JSON.stringify(rows)).update(String(Date.now())).digest('hex');
    await catalogue.recordVersion(tx, ctx, begun.dataset, {
      version: begun.version,
      tableName: begun.tableName,
      rowCount: rows.length,
      checksum,
      sourceName: 'test',
      encoding: null,
      format: 'test',
      fields,
    });
    return begun.version;
  });
  if (options.publish !== false) await catalogue.publishVersion(ctx, code, version);
  return version;
}

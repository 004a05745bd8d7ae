import {
  CatalogueVersions,
  createVersionTableSql,
  quoteVersionTable,
  versionKeyIndexSql,
  versionPrimaryKeySql,
  type VersionFieldSnapshot,
} from '@causeway/catalogue';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { TestGateway } from './gateway.js';

/** Fills a new version's table (already created, quoted as `table`); answers what the version records. */
export type VersionFiller = (tx: EntityManager, table: string, fields: readonly VersionFieldSnapshot[]) => Promise<{ rowCount: number; checksum: string; sourceName?: string; format?: string }>;

/**
 * Loads a new version of a dataset the way ingest does (its table and indexes from the catalogue's
 * version-tables module, opened and recorded through CatalogueVersions), with rows `fill` writes
 * itself rather than from a file; published afterwards unless told not to.
 */
export async function loadVersionWith(gateway: TestGateway, provider: string, code: string, fill: VersionFiller, options: { publish?: boolean } = {}): Promise<number> {
  const ctx = await gateway.steward(provider);
  const versions = gateway.get(CatalogueVersions);
  const db = gateway.app.get<DataSource>(getDataSourceToken() as string);
  const version = await db.transaction(async (tx) => {
    const opened = await versions.open(tx, ctx, code);
    await tx.query(createVersionTableSql(opened.tableName, opened.fields));
    const filled = await fill(tx, quoteVersionTable(opened.tableName), opened.fields);
    await tx.query(versionPrimaryKeySql(opened.tableName));
    const keys = opened.fields.filter((field) => field.isKey);
    if (keys.length > 0) await tx.query(versionKeyIndexSql(opened.tableName, keys));
    await versions.record(tx, opened, { rowCount: filled.rowCount, checksum: filled.checksum, sourceName: filled.sourceName ?? 'test', encoding: null, format: filled.format ?? 'test' });
    return opened.version;
  });
  if (options.publish !== false) await versions.publishVersion(ctx, code, version);
  return version;
}

/**
 * Loads rows into a new version of a dataset (`_row` in the given order): the exchange tests need
 * exact control of every cell, without going through a file.
 */
export function loadVersion(gateway: TestGateway, provider: string, code: string, rows: Record<string, unknown>[], options: { publish?: boolean } = {}): Promise<number> {
  return loadVersionWith(
    gateway,
    provider,
    code,
    async (tx, table, fields) => {
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
        await tx.query(`insert into ${table} (${names.map((name) => pg.escapeIdentifier(name)).join(', ')}) values ${tuples.join(', ')}`, values);
      }
      const checksum = createHash('sha256').update(JSON.stringify(rows)).update(String(Date.now())).digest('hex');
      return { rowCount: rows.length, checksum };
    },
    options,
  );
}

import { Injectable } from '@nestjs/common';
import { badInput, type RequestContext } from '@causeway/core';
import { EntityManager } from 'typeorm';
import { CatalogueStore, versionDto } from '../catalogue-store.js';
import type { DatasetDto, DatasetVersionDto } from '../dto.js';
import { DatasetEntity, DatasetVersionEntity, type VersionFieldSnapshot } from '../entities.js';
import { DatasetStatus } from '../enums.js';
import { dropVersionTableSql, versionTableName } from './version-tables.js';

/**
 * A version opened for loading (see CatalogueVersions.open): the steward check was made for `ctx`
 * and the dataset row is locked until the transaction ends.
 */
export interface OpenedVersion {
  /** Whom the steward check was made for; the version is recorded as theirs. */
  readonly ctx: RequestContext;
  /** The dataset as read under the lock. */
  readonly dataset: DatasetDto;
  /** The number the new version takes. */
  readonly version: number;
  /** Its table (see version-tables.ts), for the caller to create and fill in the same transaction. */
  readonly tableName: string;
  /** The structural fields the version is loaded under (frozen into the version row). */
  readonly fields: VersionFieldSnapshot[];
}

/** What the load put into the opened version's table. */
export interface LoadedVersion {
  rowCount: number;
  /** SHA-256 of the content: a live version with the same content and fields is the answer instead. */
  checksum: string;
  sourceName: string | null;
  encoding: string | null;
  format: string | null;
}

export interface RecordedVersion {
  version: DatasetVersionDto;
  /** True when a live version with the same checksum and fields existed: it is the answer, and the new table is gone. */
  duplicate: boolean;
  /** True when this call made the version current (it was asked to, and it was not already). */
  published: boolean;
}

/**
 * The catalogue's versions: each version of a dataset's rows, its typed table (version-tables.ts)
 * and which version is current. An upload goes in twice: open, then record.
 */
@Injectable()
export class CatalogueVersions {
  constructor(private readonly store: CatalogueStore) {}

  /**
   * Opens a new version inside the caller's transaction: checks once that the caller stewards the
   * dataset and locks its row once (two uploads to one dataset never interleave), then reserves
   * the next version number and its table name. The caller creates and fills the table, then
   * calls record in the same transaction.
   */
  async open(tx: EntityManager, ctx: RequestContext, code: string): Promise<OpenedVersion> {
    const locked = await this.store.lockEditable(tx, ctx, code);
    if (locked.status === DatasetStatus.RETIRED) throw badInput('dataset', `${code} is retired; it takes no new versions`);
    const [{ next }] = (await tx.query('select coalesce(max(version), 0) + 1 as next from dataset_version where dataset_id = $1', [locked.id])) as { next: number }[];
    const version = Number(next);
    const dataset = (await this.store.toDtos([locked], tx))[0]!;
    const fields = dataset.fields.map(({ name, title, type, nullable, isKey }) => ({ name, title, type, nullable, isKey }));
    return { ctx, dataset, version, tableName: versionTableName(dataset.id, version), fields };
  }

  /**
   * Records the opened version once loaded, and makes it current when asked, in the transaction
   * that opened it (the steward check and the lock hold). When a live version already has this
   * content under the same fields, that version is the answer: the opened version's table is
   * dropped and nothing new is recorded (it is made current if asked).
   */
  async record(tx: EntityManager, opened: OpenedVersion, loaded: LoadedVersion, options: { publish?: boolean } = {}): Promise<RecordedVersion> {
    const { ctx, dataset } = opened;
    const versions = tx.getRepository(DatasetVersionEntity);
    const same = (await versions.find({ where: { datasetId: dataset.id, checksum: loaded.checksum } })).find(
      (row) => !row.droppedAt && sameFields(row.fields, opened.fields),
    );
    if (same) {
      await tx.query(dropVersionTableSql(opened.tableName));
      const publish = options.publish === true && dataset.currentVersionId !== same.id;
      if (publish) await this.makeCurrent(tx, ctx, dataset, same);
      return { version: versionDto(same, publish ? same.id : dataset.currentVersionId), duplicate: true, published: publish };
    }
    const row = await versions.save(
      versions.create({
        ...loaded,
        datasetId: dataset.id,
        version: opened.version,
        tableName: opened.tableName,
        fields: opened.fields,
        loadedBy: ctx.principal.label,
        loadedAt: new Date(),
        publishedAt: null,
        droppedAt: null,
      }),
    );
    await this.store.recordChange(tx, ctx, dataset.id, 'VERSION_LOADED', { version: opened.version, rows: loaded.rowCount, checksum: loaded.checksum, source: loaded.sourceName });
    // In the same transaction: the new version becomes current atomically with its load.
    const publish = options.publish === true;
    if (publish) await this.makeCurrent(tx, ctx, dataset, row);
    return { version: versionDto(row, publish ? row.id : dataset.currentVersionId), duplicate: false, published: publish };
  }

  /**
   * Makes a loaded version the current one. The swap is one UPDATE, so a query that already
   * resolved the old version's table finishes on it.
   */
  async publishVersion(ctx: RequestContext, code: string, version: number): Promise<DatasetDto> {
    await this.store.db.transaction(async (tx) => {
      // Serialised with uploads and dropVersion: a version being dropped is never made current.
      const dataset = await this.store.lockEditable(tx, ctx, code);
      if (dataset.status === DatasetStatus.RETIRED) throw badInput('dataset', `${code} is retired; versions of a retired dataset cannot be published`);
      const row = await this.liveVersion(tx, dataset, version);
      if (dataset.currentVersionId === row.id) return;
      const previous = await this.makeCurrent(tx, ctx, dataset, row);
      await this.store.audited(ctx, 'dataset.publish', code, { previousVersion: previous }, version);
    });
    return this.store.require(code);
  }

  /**
   * Retention: drops an old version's rows (its table) and marks the version dropped. The current
   * version is never dropped. A query still reading the old table holds its lock until it ends,
   * so DROP waits for it.
   */
  async dropVersion(ctx: RequestContext, code: string, version: number): Promise<DatasetVersionDto> {
    return this.store.db.transaction(async (tx) => {
      const dataset = await this.store.lockEditable(tx, ctx, code);
      const row = await this.liveVersion(tx, dataset, version);
      if (row.id === dataset.currentVersionId) throw badInput('version', `version ${version} is the current version of ${code}; publish another version before dropping it`);
      await tx.query(dropVersionTableSql(row.tableName));
      row.droppedAt = new Date();
      await tx.getRepository(DatasetVersionEntity).update(row.id, { droppedAt: row.droppedAt });
      await this.store.recordChange(tx, ctx, dataset.id, 'VERSION_DROPPED', { version, rows: row.rowCount });
      await this.store.audited(ctx, 'dataset.drop-version', code, { rows: row.rowCount }, version);
      return versionDto(row, dataset.currentVersionId);
    });
  }

  /** The structural fields of a version (the columns of its table). */
  async versionFields(versionId: string): Promise<{ tableName: string; version: number; fields: VersionFieldSnapshot[] } | null> {
    const row = await this.store.db.getRepository(DatasetVersionEntity).findOne({ where: { id: versionId } });
    return row && !row.droppedAt ? { tableName: row.tableName, version: row.version, fields: row.fields } : null;
  }

  /** A dataset's live versions, newest first. */
  async versions(datasetId: string, currentVersionId: string | null): Promise<DatasetVersionDto[]> {
    const rows = await this.store.db.getRepository(DatasetVersionEntity).find({ where: { datasetId }, order: { version: 'DESC' } });
    return rows.filter((row) => !row.droppedAt).map((row) => versionDto(row, currentVersionId));
  }

  /** The live versions of several datasets at once (newest first per dataset), e.g. for the portal's listings. */
  async versionsOf(datasets: Pick<DatasetDto, 'id' | 'currentVersionId'>[]): Promise<Map<string, DatasetVersionDto[]>> {
    const result = new Map<string, DatasetVersionDto[]>(datasets.map((dataset) => [dataset.id, []]));
    if (datasets.length === 0) return result;
    const current = new Map(datasets.map((dataset) => [dataset.id, dataset.currentVersionId]));
    const rows = await this.store.db
      .getRepository(DatasetVersionEntity)
      .createQueryBuilder('v')
      .where('v.dataset_id in (:...ids)', { ids: datasets.map((dataset) => dataset.id) })
      .andWhere('v.dropped_at is null')
      .orderBy('v.version', 'DESC')
      .getMany();
    for (const row of rows) result.get(row.datasetId)?.push(versionDto(row, current.get(row.datasetId) ?? null));
    return result;
  }

  async currentVersion(dataset: Pick<DatasetDto, 'currentVersionId'>): Promise<DatasetVersionDto | null> {
    if (!dataset.currentVersionId) return null;
    const row = await this.store.db.getRepository(DatasetVersionEntity).findOne({ where: { id: dataset.currentVersionId } });
    return row ? versionDto(row, dataset.currentVersionId) : null;
  }

  // ---- internals ----------------------------------------------------------------------

  private async liveVersion(tx: EntityManager, dataset: Pick<DatasetEntity, 'id' | 'code'>, version: number): Promise<DatasetVersionEntity> {
    const row = await tx.getRepository(DatasetVersionEntity).findOne({ where: { datasetId: dataset.id, version } });
    if (!row || row.droppedAt) throw badInput('version', `${dataset.code} has no version ${version}; list its versions with dataset(code) { versions { version } }`);
    return row;
  }

  /** Points the locked dataset at the version; answers the number of the version current before. */
  private async makeCurrent(
    tx: EntityManager,
    ctx: RequestContext,
    dataset: Pick<DatasetEntity, 'id' | 'currentVersionId' | 'publishedAt'>,
    row: DatasetVersionEntity,
  ): Promise<number | null> {
    const now = new Date();
    row.publishedAt ??= now;
    await tx.getRepository(DatasetVersionEntity).update(row.id, { publishedAt: row.publishedAt });
    await tx.getRepository(DatasetEntity).update(dataset.id, { currentVersionId: row.id, status: DatasetStatus.PUBLISHED, publishedAt: dataset.publishedAt ?? now, updatedAt: now });
    const previous = dataset.currentVersionId
      ? ((await tx.getRepository(DatasetVersionEntity).findOne({ where: { id: dataset.currentVersionId } }))?.version ?? null)
      : null;
    await this.store.recordChange(tx, ctx, dataset.id, 'VERSION_PUBLISHED', { version: { from: previous, to: row.version } });
    return previous;
  }
}

/** Same columns, types and keys: a version with the same content under other fields is not a duplicate. */
function sameFields(a: readonly VersionFieldSnapshot[], b: readonly VersionFieldSnapshot[]): boolean {
  const shape = (fields: readonly VersionFieldSnapshot[]) => JSON.stringify(fields.map((field) => [field.name, field.type, field.nullable, field.isKey]));
  return shape(a) === shape(b);
}

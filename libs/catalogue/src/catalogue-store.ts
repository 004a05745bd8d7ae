import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { forbidden, hasRole, notFound, Role, type Principal, type RequestContext } from '@causeway/core';
import { AuditOutcome, AuditService } from '@causeway/audit';
import { ChangeFeed } from '@causeway/database';
import { DataSource, EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { DatasetDto, DatasetFieldDto, DatasetVersionDto } from './dto.js';
import { DatasetEntity, DatasetFieldEntity, type DatasetVersionEntity } from './entities.js';
import { DatasetStatus, type FieldType, type OpenType, type SharingType, type UpdateCycle } from './enums.js';

/**
 * What the catalogue's three services (registry, versions, search) share, kept inside the
 * catalogue: reading dataset rows as DTOs, the steward check, and the journal every change goes
 * to (change history, change notice, audit event). Not exported from @causeway/catalogue.
 */
@Injectable()
export class CatalogueStore {
  constructor(
    @InjectDataSource() readonly db: DataSource,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditService,
  ) {}

  /** A dataset the caller stewards; a dataset the caller cannot see reads the same as a missing one. */
  async editable(ctx: RequestContext, code: string, manager: EntityManager = this.db.manager): Promise<DatasetEntity> {
    const dataset = await manager.getRepository(DatasetEntity).findOne({ where: { code } });
    if (!dataset || (dataset.status === DatasetStatus.DRAFT && dataset.providerDepartmentId !== ctx.principal.departmentId && !hasRole(ctx.principal, Role.ADMIN))) {
      throw notFound(`Dataset ${code}`);
    }
    assertSteward(ctx.principal, dataset);
    return dataset;
  }

  /**
   * The dataset the caller stewards, locked for the rest of the transaction and read after the
   * lock (so what it says stays true until commit): uploads, publishing and dropping versions of
   * one dataset never interleave.
   */
  async lockEditable(tx: EntityManager, ctx: RequestContext, code: string): Promise<DatasetEntity> {
    const { id } = await this.editable(ctx, code, tx);
    return (await tx.getRepository(DatasetEntity).createQueryBuilder('d').setLock('pessimistic_write').where('d.id = :id', { id }).getOne())!;
  }

  async require(code: string): Promise<DatasetDto> {
    const row = await this.db.getRepository(DatasetEntity).findOne({ where: { code } });
    return (await this.toDtos([row!]))[0]!;
  }

  /**
   * Every change to a dataset's entry, fields or versions is recorded here, inside its transaction,
   * with its change notice: every process drops what it cached of the dataset when it commits.
   */
  async recordChange(tx: EntityManager, ctx: RequestContext, datasetId: string, action: string, changes: Record<string, unknown>): Promise<void> {
    await this.feed.notify(tx, 'catalogue', datasetId);
    // Raw SQL: TypeORM would encode a JSON object for a jsonb column a second time.
    await tx.query(`insert into dataset_change (dataset_id, principal, department_code, action, changes) values ($1, $2, $3, $4, $5::jsonb)`, [
      datasetId,
      ctx.principal.label,
      ctx.principal.departmentCode,
      action,
      JSON.stringify(changes),
    ]);
  }

  /**
   * A steward's act on the audit record, written inside the act's transaction: if the event cannot
   * be written the act rolls back (fail closed). Stewards act for their own, the providing, department.
   */
  async audited(ctx: RequestContext, action: string, code: string, detail: Record<string, unknown>, version?: number): Promise<void> {
    await this.audit.record(ctx, { action, outcome: AuditOutcome.ALLOWED, dataset: code, version: version ?? null, providerDepartment: ctx.principal.departmentCode, detail });
  }

  async toDtos(rows: DatasetEntity[], manager: EntityManager = this.db.manager): Promise<DatasetDto[]> {
    if (rows.length === 0) return [];
    const fields = await manager
      .getRepository(DatasetFieldEntity)
      .createQueryBuilder('f')
      .where('f.dataset_id in (:...ids)', { ids: rows.map((row) => row.id) })
      .orderBy('f.position', 'ASC')
      .getMany();
    const byDataset = new Map<string, DatasetFieldDto[]>();
    for (const field of fields) {
      const dataset = rows.find((row) => row.id === field.datasetId)!;
      const list = byDataset.get(field.datasetId) ?? [];
      list.push({
        name: field.name,
        title: field.title,
        type: field.type as FieldType,
        nullable: field.nullable,
        isKey: field.isKey,
        sensitivity: field.sensitivity,
        sharingType: field.sharingType ?? (dataset.sharingType as SharingType),
        mask: field.mask,
        description: field.description,
        unit: field.unit,
      });
      byDataset.set(field.datasetId, list);
    }
    return rows.map((row) => ({
      id: row.id,
      code: row.code,
      apiName: row.apiName,
      title: row.title,
      titleEn: row.titleEn,
      summary: row.summary,
      providerDepartmentId: row.providerDepartmentId,
      category: row.category,
      theme: row.theme,
      keywords: row.keywords,
      format: row.format,
      updateCycle: row.updateCycle as UpdateCycle,
      sharingType: row.sharingType as SharingType,
      sharingCondition: row.sharingCondition,
      sharingBasis: row.sharingBasis,
      openType: row.openType as OpenType,
      openCondition: row.openCondition,
      license: row.license,
      temporalFrom: row.temporalFrom,
      temporalTo: row.temporalTo,
      spatialCoverage: row.spatialCoverage,
      relatedCodes: row.relatedCodes,
      status: row.status as DatasetStatus,
      fields: byDataset.get(row.id) ?? [],
      currentVersionId: row.currentVersionId,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      publishedAt: row.publishedAt,
      retiredAt: row.retiredAt,
    }));
  }
}

/** The provider's stewards manage a dataset; everyone else is refused. */
export function assertSteward(principal: Principal, dataset: Pick<DatasetDto, 'providerDepartmentId' | 'code'>): void {
  if (!hasRole(principal, Role.STEWARD) || principal.departmentId !== dataset.providerDepartmentId) {
    throw forbidden(`Only data stewards of the department that provides ${dataset.code} may change it`);
  }
}

/** Drafts are seen by their provider (and admins) only. */
export function visibleTo(query: SelectQueryBuilder<DatasetEntity>, principal: Principal): void {
  if (hasRole(principal, Role.ADMIN)) return;
  query.andWhere(`(d.status <> 'DRAFT' or d.provider_department_id = :ownDepartment)`, { ownDepartment: principal.departmentId ?? '00000000-0000-0000-0000-000000000000' });
}

export function versionDto(row: DatasetVersionEntity, currentVersionId: string | null): DatasetVersionDto {
  return {
    id: row.id,
    version: row.version,
    rowCount: row.rowCount,
    checksum: row.checksum,
    sourceName: row.sourceName,
    encoding: row.encoding,
    format: row.format,
    loadedBy: row.loadedBy,
    loadedAt: row.loadedAt,
    publishedAt: row.publishedAt,
    current: row.id === currentVersionId,
  };
}

import { Injectable } from '@nestjs/common';
import { badInputs, conflict, forbidden, hasRole, notFound, Role, type RequestContext } from '@causeway/core';
import { ChangeFeed } from '@causeway/database';
import { map, type Observable } from 'rxjs';
import { EntityManager } from 'typeorm';
import { CatalogueStore, visibleTo } from '../catalogue-store.js';
import { DatasetChangeDto, DatasetDto, FieldInput, RegisterDatasetInput, UpdateDatasetInput } from '../dto.js';
import { DatasetChangeEntity, DatasetEntity, DatasetFieldEntity } from '../entities.js';
import { DatasetStatus, MaskType, OpenType, Sensitivity, SharingType } from '../enums.js';
import { deriveApiName, fieldProblems, RESERVED_API_NAMES, searchTextOf, sharingProblems } from '../rules.js';

/** A dataset's catalogue entry, fields or versions changed ('*': any dataset may have). */
export interface DatasetChanged {
  datasetId: string;
}

const UPDATABLE: (keyof UpdateDatasetInput)[] = [
  'title', 'titleEn', 'summary', 'category', 'theme', 'keywords', 'format', 'updateCycle', 'sharingType', 'sharingCondition',
  'sharingBasis', 'openType', 'openCondition', 'license', 'temporalFrom', 'temporalTo', 'spatialCoverage', 'relatedCodes',
];

/**
 * The catalogue's registry: datasets' entries and fields (信息资源, 信息项) as their stewards
 * register, describe and retire them, looked up by code or id, with their change history.
 */
@Injectable()
export class CatalogueRegistry {
  /**
   * Other contexts (typed schema, policy and portal caches) subscribe to rebuild what depends on
   * the catalogue. Changes are announced only once committed, by whichever gateway or CLI process
   * made them: every write sends its notice inside its transaction (ChangeFeed).
   */
  readonly changes: Observable<DatasetChanged>;

  constructor(
    private readonly store: CatalogueStore,
    feed: ChangeFeed,
  ) {
    this.changes = feed.keysOf('catalogue').pipe(map((datasetId) => ({ datasetId })));
  }

  // ---- steward operations -------------------------------------------------------------

  async register(ctx: RequestContext, input: RegisterDatasetInput): Promise<DatasetDto> {
    const principal = ctx.principal;
    if (!hasRole(principal, Role.STEWARD) || !principal.departmentId) throw forbidden('Only a data steward can register datasets, for their own department');
    const problems = [...sharingProblems(input), ...fieldProblems(input.fields, input.sharingType)];
    const apiName = input.apiName ?? deriveApiName(input.code);
    if (RESERVED_API_NAMES.has(apiName)) problems.push({ field: input.apiName ? 'input.apiName' : 'input.code', message: `"${apiName}" is a reserved API name; pass another apiName` });
    if (input.temporalFrom && input.temporalTo && input.temporalFrom > input.temporalTo) problems.push({ field: 'input.temporalTo', message: 'must not be before temporalFrom' });
    if (problems.length > 0) throw badInputs(problems);

    const saved = await this.store.db.transaction(async (tx) => {
      const datasets = tx.getRepository(DatasetEntity);
      if (await datasets.existsBy({ code: input.code })) throw conflict(`A dataset with the code ${input.code} is already registered`);
      if (await datasets.existsBy({ apiName })) {
        throw conflict(`The API name ${apiName} is taken by another dataset; pass a different input.apiName`);
      }
      const now = new Date();
      const entity = datasets.create({
        code: input.code,
        apiName,
        title: input.title,
        titleEn: input.titleEn ?? null,
        summary: input.summary,
        providerDepartmentId: principal.departmentId!,
        category: input.category,
        theme: input.theme ?? null,
        keywords: input.keywords ?? [],
        format: input.format ?? null,
        updateCycle: input.updateCycle,
        sharingType: input.sharingType,
        sharingCondition: input.sharingCondition ?? null,
        sharingBasis: input.sharingBasis ?? null,
        openType: input.openType,
        openCondition: input.openCondition ?? null,
        license: input.license ?? null,
        temporalFrom: input.temporalFrom ?? null,
        temporalTo: input.temporalTo ?? null,
        spatialCoverage: input.spatialCoverage ?? null,
        relatedCodes: input.relatedCodes ?? [],
        status: DatasetStatus.DRAFT,
        currentVersionId: null,
        searchText: '',
        createdAt: now,
        updatedAt: now,
        publishedAt: null,
        retiredAt: null,
      });
      entity.searchText = searchTextOf(entity);
      const dataset = await datasets.save(entity);
      await this.replaceFields(tx, dataset.id, input.fields);
      await this.store.recordChange(tx, ctx, dataset.id, 'REGISTERED', { code: input.code, title: input.title, fields: input.fields.map((field) => field.name) });
      await this.store.audited(ctx, 'dataset.register', input.code, { title: input.title, fields: input.fields.map((field) => field.name), sharingType: input.sharingType, openType: input.openType });
      return dataset;
    });
    return this.store.require(saved.code);
  }

  async update(ctx: RequestContext, code: string, input: UpdateDatasetInput): Promise<DatasetDto> {
    const dataset = await this.store.editable(ctx, code);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const next: Record<string, unknown> = { ...dataset };
    for (const key of UPDATABLE) {
      const value = input[key];
      if (value === undefined) continue;
      const current = (dataset as unknown as Record<string, unknown>)[key];
      if (JSON.stringify(current) !== JSON.stringify(value)) changes[key] = { from: current, to: value };
      next[key] = value;
    }
    const merged = next as unknown as DatasetEntity;
    const fields = await this.fieldRows(dataset.id);
    const problems = [
      ...sharingProblems({
        sharingType: merged.sharingType as SharingType,
        sharingCondition: merged.sharingCondition,
        sharingBasis: merged.sharingBasis,
        openType: merged.openType as OpenType,
        openCondition: merged.openCondition,
      }),
      ...fieldProblems(fields, merged.sharingType as SharingType, 'fields').map((problem) => ({
        ...problem,
        message: `${problem.message} (redefine the fields with defineFields, or keep the dataset's sharingType)`,
      })),
    ];
    if (merged.temporalFrom && merged.temporalTo && merged.temporalFrom > merged.temporalTo) problems.push({ field: 'input.temporalTo', message: 'must not be before temporalFrom' });
    if (problems.length > 0) throw badInputs(problems);
    if (Object.keys(changes).length === 0) return this.store.require(code);
    await this.store.db.transaction(async (tx) => {
      merged.updatedAt = new Date();
      merged.searchText = searchTextOf(merged);
      await tx.getRepository(DatasetEntity).save(merged);
      await this.store.recordChange(tx, ctx, dataset.id, 'UPDATED', changes);
      await this.store.audited(ctx, 'dataset.update', code, { changed: Object.keys(changes) });
    });
    return this.store.require(code);
  }

  async defineFields(ctx: RequestContext, code: string, fields: FieldInput[]): Promise<DatasetDto> {
    const dataset = await this.store.editable(ctx, code);
    const problems = fieldProblems(fields, dataset.sharingType as SharingType, 'fields');
    if (fields.length === 0) problems.push({ field: 'fields', message: 'must describe at least one field' });
    if (problems.length > 0) throw badInputs(problems);
    const before = await this.fieldRows(dataset.id);
    await this.store.db.transaction(async (tx) => {
      await this.replaceFields(tx, dataset.id, fields);
      await tx.getRepository(DatasetEntity).update(dataset.id, { updatedAt: new Date() });
      await this.store.recordChange(tx, ctx, dataset.id, 'FIELDS_DEFINED', {
        fields: { from: before.map((field) => `${field.name}:${field.type}`), to: fields.map((field) => `${field.name}:${field.type}`) },
      });
      await this.store.audited(ctx, 'dataset.define-fields', code, { fields: fields.map((field) => `${field.name}:${field.type}:${field.sensitivity ?? Sensitivity.INTERNAL}`) });
    });
    return this.store.require(code);
  }

  async retire(ctx: RequestContext, code: string, reason: string | undefined): Promise<DatasetDto> {
    const dataset = await this.store.editable(ctx, code);
    if (dataset.status === DatasetStatus.RETIRED) return this.store.require(code);
    await this.store.db.transaction(async (tx) => {
      await tx.getRepository(DatasetEntity).update(dataset.id, { status: DatasetStatus.RETIRED, retiredAt: new Date(), updatedAt: new Date() });
      await this.store.recordChange(tx, ctx, dataset.id, 'RETIRED', { status: { from: dataset.status, to: DatasetStatus.RETIRED }, reason: reason ?? null });
      await this.store.audited(ctx, 'dataset.retire', code, { reason: reason ?? null });
    });
    return this.store.require(code);
  }

  // ---- reading ------------------------------------------------------------------------

  /** A dataset the caller may see; NOT_FOUND otherwise (the same answer as for a missing one). */
  async get(ctx: RequestContext, code: string): Promise<DatasetDto> {
    const query = this.store.db.getRepository(DatasetEntity).createQueryBuilder('d').where('d.code = :code', { code });
    visibleTo(query, ctx.principal);
    const row = await query.getOne();
    if (!row) throw notFound(`Dataset ${code}`);
    return (await this.store.toDtos([row]))[0]!;
  }

  /** Internal lookup for other contexts; applies no visibility rule. */
  async findByCode(code: string): Promise<DatasetDto | null> {
    const row = await this.store.db.getRepository(DatasetEntity).findOne({ where: { code } });
    return row ? (await this.store.toDtos([row]))[0]! : null;
  }

  async findById(id: string): Promise<DatasetDto | null> {
    const row = await this.store.db.getRepository(DatasetEntity).findOne({ where: { id } });
    return row ? (await this.store.toDtos([row]))[0]! : null;
  }

  async history(datasetId: string, limit = 100): Promise<DatasetChangeDto[]> {
    const rows = await this.store.db.getRepository(DatasetChangeEntity).find({ where: { datasetId }, order: { id: 'DESC' }, take: limit });
    return rows.map((row) => ({ at: row.at, principal: row.principal, department: row.departmentCode, action: row.action, changes: row.changes }));
  }

  // ---- internals ----------------------------------------------------------------------

  private async replaceFields(tx: EntityManager, datasetId: string, fields: FieldInput[]): Promise<void> {
    const repository = tx.getRepository(DatasetFieldEntity);
    await repository.delete({ datasetId });
    await repository.insert(
      fields.map((field, position) => ({
        datasetId,
        position,
        name: field.name,
        title: field.title,
        type: field.type,
        nullable: field.isKey ? false : (field.nullable ?? true),
        isKey: field.isKey ?? false,
        sensitivity: field.sensitivity ?? Sensitivity.INTERNAL,
        sharingType: field.sharingType ?? null,
        mask: field.mask ?? MaskType.NONE,
        description: field.description ?? null,
        unit: field.unit ?? null,
      })),
    );
  }

  private fieldRows(datasetId: string): Promise<DatasetFieldEntity[]> {
    return this.store.db.getRepository(DatasetFieldEntity).find({ where: { datasetId }, order: { position: 'ASC' } });
  }

}

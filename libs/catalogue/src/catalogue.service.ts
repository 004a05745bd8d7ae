import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  badInput,
  badInputs,
  conflict,
  CursorCodec,
  DEFAULT_PAGE_SIZE,
  forbidden,
  hasRole,
  MAX_PAGE_SIZE,
  notFound,
  Role,
  type Principal,
  type RequestContext,
} from '@causeway/core';
import { AuditOutcome, AuditService } from '@causeway/audit';
import { ChangeFeed } from '@causeway/database';
import { map, type Observable } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';
import {
  DatasetChangeDto,
  DatasetConnection,
  DatasetDto,
  DatasetFieldDto,
  DatasetFilter,
  DatasetVersionDto,
  FieldInput,
  RegisterDatasetInput,
  UpdateDatasetInput,
} from './dto.js';
import { DatasetChangeEntity, DatasetEntity, DatasetFieldEntity, DatasetVersionEntity, type VersionFieldSnapshot } from './entities.js';
import { DatasetStatus, MaskType, OpenType, Sensitivity, SharingType, UpdateCycle, type FieldType } from './enums.js';
import { deriveApiName, fieldProblems, likePattern, RESERVED_API_NAMES, searchTextOf, sharingProblems, versionTableName } from './rules.js';

/** A dataset's catalogue entry, fields or versions changed ('*': any dataset may have). */
export interface DatasetChanged {
  datasetId: string;
}

const UPDATABLE: (keyof UpdateDatasetInput)[] = [
  'title', 'titleEn', 'summary', 'category', 'theme', 'keywords', 'format', 'updateCycle', 'sharingType', 'sharingCondition',
  'sharingBasis', 'openType', 'openCondition', 'license', 'temporalFrom', 'temporalTo', 'spatialCoverage', 'relatedCodes',
];

@Injectable()
export class CatalogueService {
  /**
   * Other contexts (typed schema, policy and portal caches) subscribe to rebuild what depends on
   * the catalogue. Changes are announced only once committed, by whichever gateway or CLI process
   * made them: every write sends its notice inside its transaction (ChangeFeed).
   */
  readonly changes: Observable<DatasetChanged>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cursors: CursorCodec,
    private readonly audit: AuditService,
    private readonly feed: ChangeFeed,
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

    const saved = await this.db.transaction(async (tx) => {
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
      await this.recordChange(tx, ctx, dataset.id, 'REGISTERED', { code: input.code, title: input.title, fields: input.fields.map((field) => field.name) });
      await this.audited(ctx, 'dataset.register', input.code, { title: input.title, fields: input.fields.map((field) => field.name), sharingType: input.sharingType, openType: input.openType });
      return dataset;
    });
    return this.require(saved.code);
  }

  async update(ctx: RequestContext, code: string, input: UpdateDatasetInput): Promise<DatasetDto> {
    const dataset = await this.editable(ctx, code);
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
    if (Object.keys(changes).length === 0) return this.require(code);
    await this.db.transaction(async (tx) => {
      merged.updatedAt = new Date();
      merged.searchText = searchTextOf(merged);
      await tx.getRepository(DatasetEntity).save(merged);
      await this.recordChange(tx, ctx, dataset.id, 'UPDATED', changes);
      await this.audited(ctx, 'dataset.update', code, { changed: Object.keys(changes) });
    });
    return this.require(code);
  }

  async defineFields(ctx: RequestContext, code: string, fields: FieldInput[]): Promise<DatasetDto> {
    const dataset = await this.editable(ctx, code);
    const problems = fieldProblems(fields, dataset.sharingType as SharingType, 'fields');
    if (fields.length === 0) problems.push({ field: 'fields', message: 'must describe at least one field' });
    if (problems.length > 0) throw badInputs(problems);
    const before = await this.fieldRows(dataset.id);
    await this.db.transaction(async (tx) => {
      await this.replaceFields(tx, dataset.id, fields);
      await tx.getRepository(DatasetEntity).update(dataset.id, { updatedAt: new Date() });
      await this.recordChange(tx, ctx, dataset.id, 'FIELDS_DEFINED', {
        fields: { from: before.map((field) => `${field.name}:${field.type}`), to: fields.map((field) => `${field.name}:${field.type}`) },
      });
      await this.audited(ctx, 'dataset.define-fields', code, { fields: fields.map((field) => `${field.name}:${field.type}:${field.sensitivity ?? Sensitivity.INTERNAL}`) });
    });
    return this.require(code);
  }

  async retire(ctx: RequestContext, code: string, reason: string | undefined): Promise<DatasetDto> {
    const dataset = await this.editable(ctx, code);
    if (dataset.status === DatasetStatus.RETIRED) return this.require(code);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(DatasetEntity).update(dataset.id, { status: DatasetStatus.RETIRED, retiredAt: new Date(), updatedAt: new Date() });
      await this.recordChange(tx, ctx, dataset.id, 'RETIRED', { status: { from: dataset.status, to: DatasetStatus.RETIRED }, reason: reason ?? null });
      await this.audited(ctx, 'dataset.retire', code, { reason: reason ?? null });
    });
    return this.require(code);
  }

  /**
   * Makes a loaded version the current one. The swap is one UPDATE, so a query that already
   * resolved the old version's table finishes on it.
   */
  async publishVersion(ctx: RequestContext, code: string, version: number, manager?: EntityManager): Promise<DatasetDto> {
    // Inside a caller's transaction every read goes through it: an upload holds one connection, never two.
    const dataset = await this.editable(ctx, code, manager);
    if (dataset.status === DatasetStatus.RETIRED) throw badInput('dataset', `${code} is retired; versions of a retired dataset cannot be published`);
    const work = async (tx: EntityManager) => {
      // Serialised with uploads and dropVersion: a version being dropped is never made current.
      await tx.query('select id from dataset where id = $1 for update', [dataset.id]);
      const row = await tx.getRepository(DatasetVersionEntity).findOne({ where: { datasetId: dataset.id, version } });
      if (!row || row.droppedAt) throw badInput('version', `${code} has no version ${version}; list its versions with dataset(code) { versions { version } }`);
      if (dataset.currentVersionId === row.id) return;
      const now = new Date();
      await tx.getRepository(DatasetVersionEntity).update(row.id, { publishedAt: row.publishedAt ?? now });
      await tx.getRepository(DatasetEntity).update(dataset.id, {
        currentVersionId: row.id,
        status: DatasetStatus.PUBLISHED,
        publishedAt: dataset.publishedAt ?? now,
        updatedAt: now,
      });
      const previous = await this.versionNumber(tx, dataset.currentVersionId);
      await this.recordChange(tx, ctx, dataset.id, 'VERSION_PUBLISHED', { version: { from: previous, to: version } });
      // Inside a caller's transaction (an upload with ?publish=true) the caller's event covers the publish.
      if (!manager) await this.audited(ctx, 'dataset.publish', code, { previousVersion: previous }, version);
    };
    if (manager) await work(manager);
    else await this.db.transaction(work);
    return this.require(code, manager);
  }

  /**
   * Retention: drops an old version's rows (its table) and marks the version dropped. The current
   * version is never dropped. A query still reading the old table holds its lock until it ends,
   * so DROP waits for it.
   */
  async dropVersion(ctx: RequestContext, code: string, version: number): Promise<DatasetVersionDto> {
    const dataset = await this.editable(ctx, code);
    const dropped = await this.db.transaction(async (tx) => {
      await tx.query('select id from dataset where id = $1 for update', [dataset.id]);
      const current = (await tx.getRepository(DatasetEntity).findOne({ where: { id: dataset.id } }))!.currentVersionId;
      const row = await tx.getRepository(DatasetVersionEntity).findOne({ where: { datasetId: dataset.id, version } });
      if (!row || row.droppedAt) throw badInput('version', `${code} has no version ${version}; list its versions with dataset(code) { versions { version } }`);
      if (row.id === current) throw badInput('version', `version ${version} is the current version of ${code}; publish another version before dropping it`);
      await tx.query(`drop table if exists ${row.tableName.split('.').map((part) => `"${part.replace(/"/g, '""')}"`).join('.')}`);
      row.droppedAt = new Date();
      await tx.getRepository(DatasetVersionEntity).update(row.id, { droppedAt: row.droppedAt });
      await this.recordChange(tx, ctx, dataset.id, 'VERSION_DROPPED', { version, rows: row.rowCount });
      await this.audited(ctx, 'dataset.drop-version', code, { rows: row.rowCount }, version);
      return this.versionDto(row, current);
    });
    return dropped;
  }

  /**
   * Starts a new version inside the caller's transaction: locks the dataset row (so two uploads
   * to one dataset never interleave) and reserves the next version number and its table name.
   * The caller creates and fills the table, then calls recordVersion in the same transaction.
   */
  async beginVersion(tx: EntityManager, ctx: RequestContext, code: string): Promise<{ dataset: DatasetDto; version: number; tableName: string }> {
    const dataset = await this.editable(ctx, code, tx);
    if (dataset.status === DatasetStatus.RETIRED) throw badInput('dataset', `${code} is retired; it takes no new versions`);
    await tx.query('select id from dataset where id = $1 for update', [dataset.id]);
    const [{ next }] = (await tx.query('select coalesce(max(version), 0) + 1 as next from dataset_version where dataset_id = $1', [dataset.id])) as { next: number }[];
    const version = Number(next);
    return { dataset: (await this.toDtos([dataset], tx))[0]!, version, tableName: versionTableName(dataset.id, version) };
  }

  /** Records a loaded version (see beginVersion); it becomes current only when published. */
  async recordVersion(
    tx: EntityManager,
    ctx: RequestContext,
    dataset: Pick<DatasetDto, 'id' | 'code'>,
    loaded: { version: number; tableName: string; rowCount: number; checksum: string; sourceName: string | null; encoding: string | null; format: string | null; fields: VersionFieldSnapshot[] },
  ): Promise<DatasetVersionDto> {
    const row = await tx.getRepository(DatasetVersionEntity).save(
      tx.getRepository(DatasetVersionEntity).create({ ...loaded, datasetId: dataset.id, loadedBy: ctx.principal.label, loadedAt: new Date(), publishedAt: null, droppedAt: null }),
    );
    await this.recordChange(tx, ctx, dataset.id, 'VERSION_LOADED', { version: loaded.version, rows: loaded.rowCount, checksum: loaded.checksum, source: loaded.sourceName });
    return this.versionDto(row, null);
  }

  /** A live (not dropped) version of the dataset with this checksum, if any. */
  async versionByChecksum(datasetId: string, checksum: string, manager: EntityManager = this.db.manager): Promise<DatasetVersionDto | null> {
    const dataset = await manager.getRepository(DatasetEntity).findOne({ where: { id: datasetId } });
    const rows = await manager.getRepository(DatasetVersionEntity).find({ where: { datasetId, checksum } });
    const live = rows.find((row) => !row.droppedAt);
    return live ? this.versionDto(live, dataset?.currentVersionId ?? null) : null;
  }

  /** The structural fields of a version (the columns of its table). */
  async versionFields(versionId: string, manager: EntityManager = this.db.manager): Promise<{ tableName: string; version: number; fields: VersionFieldSnapshot[] } | null> {
    const row = await manager.getRepository(DatasetVersionEntity).findOne({ where: { id: versionId } });
    return row && !row.droppedAt ? { tableName: row.tableName, version: row.version, fields: row.fields } : null;
  }

  // ---- reading ------------------------------------------------------------------------

  async search(ctx: RequestContext, filter: DatasetFilter = {}, first = DEFAULT_PAGE_SIZE, after?: string): Promise<DatasetConnection> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
    const scope = `datasets:${JSON.stringify(filter)}`;
    const query = this.db.getRepository(DatasetEntity).createQueryBuilder('d');
    this.visibleTo(query, ctx.principal);
    if (filter.search?.trim()) {
      const terms = filter.search.trim().split(/\s+/).slice(0, 8);
      terms.forEach((term, index) => query.andWhere(`d.search_text like :term${index}`, { [`term${index}`]: likePattern(term) }));
    }
    if (filter.category) query.andWhere('d.category = :category', { category: filter.category });
    if (filter.sharingType) query.andWhere('d.sharing_type = :sharingType', { sharingType: filter.sharingType });
    if (filter.openType) query.andWhere('d.open_type = :openType', { openType: filter.openType });
    if (filter.status) query.andWhere('d.status = :status', { status: filter.status });
    if (filter.provider) {
      query.andWhere('d.provider_department_id = (select id from department where code = :provider)', { provider: filter.provider });
    }
    const totalCount = await query.clone().getCount();
    if (after) query.andWhere('d.code > :afterCode', { afterCode: this.cursors.decode<{ code: string }>(scope, after).code });
    const rows = await query.orderBy('d.code', 'ASC').limit(first + 1).getMany();
    const page = rows.slice(0, first);
    const nodes = await this.toDtos(page);
    const edges = nodes.map((node) => ({ node, cursor: this.cursors.encode(scope, { code: node.code }) }));
    return {
      nodes,
      edges,
      totalCount,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  /** A dataset the caller may see; NOT_FOUND otherwise (the same answer as for a missing one). */
  async get(ctx: RequestContext, code: string): Promise<DatasetDto> {
    const query = this.db.getRepository(DatasetEntity).createQueryBuilder('d').where('d.code = :code', { code });
    this.visibleTo(query, ctx.principal);
    const row = await query.getOne();
    if (!row) throw notFound(`Dataset ${code}`);
    return (await this.toDtos([row]))[0]!;
  }

  /** Internal lookup for other contexts; applies no visibility rule. */
  async findByCode(code: string): Promise<DatasetDto | null> {
    const row = await this.db.getRepository(DatasetEntity).findOne({ where: { code } });
    return row ? (await this.toDtos([row]))[0]! : null;
  }

  async findById(id: string): Promise<DatasetDto | null> {
    const row = await this.db.getRepository(DatasetEntity).findOne({ where: { id } });
    return row ? (await this.toDtos([row]))[0]! : null;
  }

  /** Every dataset with a published current version (typed schema, portal). */
  async listPublished(): Promise<DatasetDto[]> {
    const rows = await this.db.getRepository(DatasetEntity).find({ where: { status: DatasetStatus.PUBLISHED }, order: { code: 'ASC' } });
    return this.toDtos(rows);
  }

  async versions(datasetId: string, currentVersionId: string | null): Promise<DatasetVersionDto[]> {
    const rows = await this.db.getRepository(DatasetVersionEntity).find({ where: { datasetId }, order: { version: 'DESC' } });
    return rows.filter((row) => !row.droppedAt).map((row) => this.versionDto(row, currentVersionId));
  }

  /** The live versions of several datasets at once (newest first per dataset), e.g. for the portal's listings. */
  async versionsOf(datasets: Pick<DatasetDto, 'id' | 'currentVersionId'>[]): Promise<Map<string, DatasetVersionDto[]>> {
    const result = new Map<string, DatasetVersionDto[]>(datasets.map((dataset) => [dataset.id, []]));
    if (datasets.length === 0) return result;
    const current = new Map(datasets.map((dataset) => [dataset.id, dataset.currentVersionId]));
    const rows = await this.db
      .getRepository(DatasetVersionEntity)
      .createQueryBuilder('v')
      .where('v.dataset_id in (:...ids)', { ids: datasets.map((dataset) => dataset.id) })
      .andWhere('v.dropped_at is null')
      .orderBy('v.version', 'DESC')
      .getMany();
    for (const row of rows) result.get(row.datasetId)?.push(this.versionDto(row, current.get(row.datasetId) ?? null));
    return result;
  }

  async currentVersion(dataset: Pick<DatasetDto, 'currentVersionId'>): Promise<DatasetVersionEntity | null> {
    if (!dataset.currentVersionId) return null;
    return this.db.getRepository(DatasetVersionEntity).findOne({ where: { id: dataset.currentVersionId } });
  }

  async history(datasetId: string, limit = 100): Promise<DatasetChangeDto[]> {
    const rows = await this.db.getRepository(DatasetChangeEntity).find({ where: { datasetId }, order: { id: 'DESC' }, take: limit });
    return rows.map((row) => ({ at: row.at, principal: row.principal, department: row.departmentCode, action: row.action, changes: row.changes }));
  }

  /** The provider's stewards manage a dataset; everyone else is refused. */
  assertSteward(principal: Principal, dataset: Pick<DatasetDto, 'providerDepartmentId' | 'code'>): void {
    if (!hasRole(principal, Role.STEWARD) || principal.departmentId !== dataset.providerDepartmentId) {
      throw forbidden(`Only data stewards of the department that provides ${dataset.code} may change it`);
    }
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
  private async audited(ctx: RequestContext, action: string, code: string, detail: Record<string, unknown>, version?: number): Promise<void> {
    await this.audit.record(ctx, { action, outcome: AuditOutcome.ALLOWED, dataset: code, version: version ?? null, providerDepartment: ctx.principal.departmentCode, detail });
  }

  versionDto(row: DatasetVersionEntity, currentVersionId: string | null): DatasetVersionDto {
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

  // ---- internals ----------------------------------------------------------------------

  private async editable(ctx: RequestContext, code: string, manager: EntityManager = this.db.manager): Promise<DatasetEntity> {
    const dataset = await manager.getRepository(DatasetEntity).findOne({ where: { code } });
    // A dataset the caller cannot see reads the same as a missing one.
    if (!dataset || (dataset.status === DatasetStatus.DRAFT && dataset.providerDepartmentId !== ctx.principal.departmentId && !hasRole(ctx.principal, Role.ADMIN))) {
      throw notFound(`Dataset ${code}`);
    }
    this.assertSteward(ctx.principal, dataset);
    return dataset;
  }

  private visibleTo(query: ReturnType<typeof this.db.createQueryBuilder>, principal: Principal): void {
    if (hasRole(principal, Role.ADMIN)) return;
    query.andWhere(`(d.status <> 'DRAFT' or d.provider_department_id = :ownDepartment)`, { ownDepartment: principal.departmentId ?? '00000000-0000-0000-0000-000000000000' });
  }

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
    return this.db.getRepository(DatasetFieldEntity).find({ where: { datasetId }, order: { position: 'ASC' } });
  }

  private async versionNumber(tx: EntityManager, versionId: string | null): Promise<number | null> {
    if (!versionId) return null;
    return (await tx.getRepository(DatasetVersionEntity).findOne({ where: { id: versionId } }))?.version ?? null;
  }

  private async require(code: string, manager: EntityManager = this.db.manager): Promise<DatasetDto> {
    const row = await manager.getRepository(DatasetEntity).findOne({ where: { code } });
    return (await this.toDtos([row!], manager))[0]!;
  }

  private async toDtos(rows: DatasetEntity[], manager: EntityManager = this.db.manager): Promise<DatasetDto[]> {
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

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DatasetStatus, SharingType } from '@causeway/catalogue';
import { badInputs, conflict, forbidden, hasRole, notFound, Role, type InputProblem, type RequestContext } from '@causeway/core';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeFeed } from '@causeway/database';
import { parseWhere, toWhereJson } from './conditions.js';
import { GrantDto, GrantFilter, GrantStatus } from './dto.js';
import { AccessLevel, fieldTypesOf, isGrantable, type PolicyDataset } from './rules.js';
import { PolicyService } from './policy.service.js';

export interface NewGrant {
  dataset: PolicyDataset;
  consumerDepartmentId: string;
  accessRequestId: string | null;
  /** Granted fields; `masked` are served masked, the rest in clear. */
  fields: string[];
  masked: string[];
  rowScope: unknown;
  purpose: string;
  useScope: string | null;
  legalBasis: string | null;
  validUntil: Date | null;
  aggregateOnly: boolean;
  requirePurpose: boolean;
  requireEndUserId: boolean;
}

/**
 * A grant never exceeds what the dataset allows: no NONE dataset, no SECRET or unshared field,
 * no field outside the dataset, a row scope in the filter language over its fields.
 */
export function grantProblems(grant: Pick<NewGrant, 'dataset' | 'fields' | 'masked' | 'rowScope' | 'validUntil'>, now: Date, path = 'input'): InputProblem[] {
  const { dataset } = grant;
  const problems: InputProblem[] = [];
  if (dataset.sharingType === SharingType.NONE) {
    problems.push({ field: `${path}.fields`, message: `${dataset.code} is not shared (sharingType NONE): no grant can open it` });
  }
  if (dataset.status === DatasetStatus.RETIRED) problems.push({ field: 'dataset', message: `${dataset.code} is retired` });
  if (grant.fields.length === 0) problems.push({ field: `${path}.fields`, message: 'must name at least one field' });
  const byName = new Map(dataset.fields.map((field) => [field.name, field]));
  const seen = new Set<string>();
  grant.fields.forEach((name, index) => {
    const at = `${path}.fields[${index}]`;
    if (seen.has(name)) problems.push({ field: at, message: `repeats ${name}` });
    seen.add(name);
    const field = byName.get(name);
    if (!field) problems.push({ field: at, message: `${name} is not a field of ${dataset.code}` });
    else if (!isGrantable(field)) problems.push({ field: at, message: `${name} is ${field.sensitivity === 'SECRET' ? 'SECRET' : 'not shared (NONE)'}: it never leaves the provider` });
  });
  grant.masked.forEach((name, index) => {
    if (!seen.has(name)) problems.push({ field: `${path}.masked[${index}]`, message: `${name} is not among the granted fields` });
  });
  if (grant.rowScope !== null && grant.rowScope !== undefined) {
    try {
      parseWhere(grant.rowScope, fieldTypesOf(dataset), { path: `${path}.rowScope`, consumer: 'keep' });
    } catch (error) {
      const nested = (error as { extensions?: { problems?: InputProblem[] } }).extensions?.problems;
      problems.push(...(nested ?? [{ field: `${path}.rowScope`, message: 'is not a valid filter' }]));
    }
  }
  if (grant.validUntil && grant.validUntil.getTime() <= now.getTime()) problems.push({ field: `${path}.validUntil`, message: 'must be in the future' });
  return problems;
}

interface GrantRow {
  id: string;
  dataset_id: string;
  dataset_code: string;
  consumer_department_id: string;
  consumer_code: string;
  access_request_id: string | null;
  fields: { field: string; access: 'CLEAR' | 'MASKED' }[];
  row_scope: Record<string, unknown> | null;
  purpose: string;
  use_scope: string | null;
  legal_basis: string | null;
  valid_from: Date;
  valid_until: Date | null;
  aggregate_only: boolean;
  require_purpose: boolean;
  require_end_user_id: boolean;
  status: 'ACTIVE' | 'REVOKED';
  version: number;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

const SELECT = `
  select g.*, d.code as dataset_code, c.code as consumer_code
    from access_grant g join dataset d on d.id = g.dataset_id join department c on c.id = g.consumer_department_id`;

function toDto(row: GrantRow, now = Date.now()): GrantDto {
  const status =
    row.status === 'REVOKED' ? GrantStatus.REVOKED : row.valid_until && new Date(row.valid_until).getTime() <= now ? GrantStatus.EXPIRED : GrantStatus.ACTIVE;
  return {
    id: row.id,
    datasetId: row.dataset_id,
    datasetCode: row.dataset_code,
    consumerDepartmentId: row.consumer_department_id,
    consumerDepartmentCode: row.consumer_code,
    fields: row.fields.map(({ field, access }) => ({ field, access: access === 'CLEAR' ? AccessLevel.CLEAR : AccessLevel.MASKED })),
    rowScope: row.row_scope,
    purpose: row.purpose,
    useScope: row.use_scope,
    legalBasis: row.legal_basis,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    aggregateOnly: row.aggregate_only,
    requirePurpose: row.require_purpose,
    requireEndUserId: row.require_end_user_id,
    status,
    version: row.version,
    accessRequestId: row.access_request_id,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
  };
}

/** Grants: created by an approval (libs/access), revoked by the provider's steward, listed. */
@Injectable()
export class GrantsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly feed: ChangeFeed,
  ) {}

  /**
   * Creates a grant inside the caller's transaction; every gateway (this one at commit) drops
   * the consumer department's cached grants when it commits.
   */
  async create(tx: EntityManager, ctx: RequestContext, grant: NewGrant): Promise<GrantDto> {
    const problems = grantProblems(grant, new Date());
    if (problems.length > 0) throw badInputs(problems);
    const rowScope =
      grant.rowScope === null || grant.rowScope === undefined
        ? null
        : toWhereJson(parseWhere(grant.rowScope, fieldTypesOf(grant.dataset), { path: 'input.rowScope', consumer: 'keep' }).cond);
    const masked = new Set(grant.masked);
    const fields = grant.fields.map((field) => ({ field, access: masked.has(field) ? 'MASKED' : 'CLEAR' }));
    const [{ id }] = (await tx.query(
      `insert into access_grant (dataset_id, consumer_department_id, access_request_id, fields, row_scope, purpose, use_scope, legal_basis,
                                 valid_until, aggregate_only, require_purpose, require_end_user_id, created_by)
       values ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13) returning id`,
      [
        grant.dataset.id,
        grant.consumerDepartmentId,
        grant.accessRequestId,
        JSON.stringify(fields),
        rowScope === null ? null : JSON.stringify(rowScope),
        grant.purpose,
        grant.useScope,
        grant.legalBasis,
        grant.validUntil,
        grant.aggregateOnly,
        grant.requirePurpose,
        grant.requireEndUserId,
        ctx.principal.label,
      ],
    )) as { id: string }[];
    await this.feed.notify(tx, 'grants', grant.consumerDepartmentId);
    return (await this.byId(id, tx))!;
  }

  /** Ends a grant at once. Only a steward of the dataset's provider may; a reason is required. */
  async revoke(tx: EntityManager, ctx: RequestContext, id: string, reason: string): Promise<GrantDto> {
    if (!reason?.trim()) throw badInputs([{ field: 'reason', message: 'is required: say why the grant ends' }]);
    const grant = await this.byId(id, tx, true);
    if (!grant || !(await this.visible(ctx, grant))) throw notFound(`Grant ${id}`);
    await this.assertProviderSteward(ctx, grant);
    if (grant.status === GrantStatus.REVOKED) throw conflict(`Grant ${id} is already revoked`);
    await tx.query(
      `update access_grant set status = 'REVOKED', revoked_at = now(), revoked_by = $2, revoke_reason = $3, version = version + 1 where id = $1`,
      [id, ctx.principal.label, reason.trim().slice(0, 2000)],
    );
    await this.feed.notify(tx, 'grants', grant.consumerDepartmentId);
    return (await this.byId(id, tx))!;
  }

  async get(ctx: RequestContext, id: string): Promise<GrantDto> {
    const grant = await this.byId(id);
    if (!grant || !(await this.visible(ctx, grant))) throw notFound(`Grant ${id}`);
    return grant;
  }

  /**
   * Grants the caller may see: those of its department (as consumer) and those on its
   * department's datasets (as provider); an ADMIN sees all.
   */
  async list(ctx: RequestContext, filter: GrantFilter = {}, limit = 500): Promise<GrantDto[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (!hasRole(ctx.principal, Role.ADMIN)) {
      params.push(ctx.principal.departmentId ?? '00000000-0000-0000-0000-000000000000');
      where.push(`(g.consumer_department_id = $${params.length} or d.provider_department_id = $${params.length})`);
    }
    if (filter.dataset) add('d.code = ?', filter.dataset);
    if (filter.consumer) add('c.code = ?', filter.consumer);
    if (filter.provider) add('d.provider_department_id = (select id from department where code = ?)', filter.provider);
    if (filter.status === GrantStatus.REVOKED) where.push(`g.status = 'REVOKED'`);
    if (filter.status === GrantStatus.ACTIVE) where.push(`g.status = 'ACTIVE' and (g.valid_until is null or g.valid_until > now())`);
    if (filter.status === GrantStatus.EXPIRED) where.push(`g.status = 'ACTIVE' and g.valid_until <= now()`);
    params.push(Math.min(Math.max(limit, 1), 1000));
    const rows = (await this.db.query(`${SELECT} ${where.length ? `where ${where.join(' and ')}` : ''} order by g.created_at desc, g.id limit $${params.length}`, params)) as GrantRow[];
    return rows.map((row) => toDto(row));
  }

  async byId(id: string, manager: EntityManager = this.db.manager, lock = false): Promise<GrantDto | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const rows = (await manager.query(`${SELECT} where g.id = $1 ${lock ? 'for update of g' : ''}`, [id])) as GrantRow[];
    return rows[0] ? toDto(rows[0]) : null;
  }

  private async visible(ctx: RequestContext, grant: GrantDto): Promise<boolean> {
    if (hasRole(ctx.principal, Role.ADMIN)) return true;
    if (!ctx.principal.departmentId) return false;
    if (grant.consumerDepartmentId === ctx.principal.departmentId) return true;
    const dataset = await this.policy.dataset(grant.datasetCode);
    return dataset?.providerDepartmentId === ctx.principal.departmentId;
  }

  private async assertProviderSteward(ctx: RequestContext, grant: GrantDto): Promise<void> {
    const dataset = await this.policy.dataset(grant.datasetCode);
    if (!dataset || !hasRole(ctx.principal, Role.STEWARD) || ctx.principal.departmentId !== dataset.providerDepartmentId) {
      throw forbidden(`Only data stewards of the department that provides ${grant.datasetCode} may revoke its grants`);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditOutcome, AuditService } from '@causeway/audit';
import { CatalogueRegistry, FieldType } from '@causeway/catalogue';
import { badInput, badInputs, conflict, forbidden, hasRole, notFound, Role, type InputProblem, type RequestContext } from '@causeway/core';
import { DepartmentsService, type DepartmentDto } from '@causeway/identity';
import { GrantsService, GrantStatus, PolicyService, type GrantDto, type PolicyDataset } from '@causeway/policy';
import { DataSource, EntityManager } from 'typeorm';
import { isBelowDivision } from './divisions.js';
import { CreateReturnFlowInput, ReturnFlowDto, ReturnFlowStatus } from './return-flow.dto.js';

interface ReturnFlowRow {
  id: string;
  dataset_id: string;
  provider_department_id: string;
  division_field: string;
  fields: string[];
  masked: string[];
  purpose: string;
  legal_basis: string | null;
  valid_until: Date | null;
  status: 'ACTIVE' | 'REVOKED';
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  grants: { consumerDepartmentId: string; grantId: string }[] | null;
}

const SELECT = `
  select f.*, (select json_agg(json_build_object('consumerDepartmentId', g.consumer_department_id, 'grantId', g.grant_id) order by g.consumer_department_id)
                 from return_flow_grant g where g.return_flow_id = f.id) as grants
    from return_flow f`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Return flow (数据回流): a higher-level provider (a city department) gives each chosen
 * lower-level department (a district's) the rows of its own division, as one agreement. Each
 * receiver gets an ordinary grant (libs/policy) whose row scope compares the division field with
 * `$consumer.divisionCode`, so the policy enforces it exactly as any approved request; the
 * agreement only ties the grants together so they are listed and revoked as one.
 */
@Injectable()
export class ReturnFlowService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalogue: CatalogueRegistry,
    private readonly departments: DepartmentsService,
    private readonly policy: PolicyService,
    private readonly grants: GrantsService,
    private readonly audit: AuditService,
  ) {}

  async create(ctx: RequestContext, input: CreateReturnFlowInput): Promise<ReturnFlowDto> {
    const visible = await this.catalogue.get(ctx, input.dataset);
    const dataset = (await this.policy.dataset(visible.code))!;
    if (!hasRole(ctx.principal, Role.STEWARD) || ctx.principal.departmentId !== dataset.providerDepartmentId) {
      throw forbidden(`Only data stewards of the department that provides ${dataset.code} may return its data`);
    }
    const provider = (await this.departments.byId(dataset.providerDepartmentId))!;
    const consumers = await this.receivers(input, provider);
    const fields = [...new Set(input.fields)];
    const masked = [...new Set(input.masked ?? [])];
    const divisionField = dataset.fields.find((field) => field.name === input.divisionField);
    const problems: InputProblem[] = [];
    if (!divisionField) problems.push({ field: 'input.divisionField', message: `${input.divisionField.slice(0, 64)} is not a field of ${dataset.code}` });
    else if (divisionField.type !== FieldType.STRING) problems.push({ field: 'input.divisionField', message: `${divisionField.name} is ${divisionField.type}: the division field holds 行政区划代码 as text` });
    if (!input.purpose.trim()) problems.push({ field: 'input.purpose', message: 'must say what the returned data serves' });
    if (problems.length > 0) throw badInputs(problems);
    const rowScope = { [input.divisionField]: { eq: { $consumer: 'divisionCode' } } };

    // Grants notify the change feed inside this transaction: every process drops its caches on commit.
    const id = await this.db.transaction(async (tx) => {
      const [{ id }] = (await tx.query(
        `insert into return_flow (dataset_id, provider_department_id, division_field, fields, masked, purpose, legal_basis, valid_until, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
        [dataset.id, provider.id, input.divisionField, fields, masked, input.purpose.trim(), input.legalBasis?.trim() || null, input.validUntil ?? null, ctx.principal.label],
      )) as { id: string }[];
      const created: GrantDto[] = [];
      for (const consumer of consumers) {
        // GrantsService checks fields, masks, the row scope and validity exactly as for an approval.
        const grant = await this.grants.create(tx, ctx, {
          dataset,
          consumerDepartmentId: consumer.id,
          accessRequestId: null,
          fields,
          masked,
          rowScope,
          purpose: input.purpose.trim(),
          useScope: `return flow ${id}`,
          legalBasis: input.legalBasis?.trim() || null,
          validUntil: input.validUntil ?? null,
          aggregateOnly: false,
          requirePurpose: false,
          requireEndUserId: false,
        });
        await tx.query(`insert into return_flow_grant (return_flow_id, grant_id, consumer_department_id) values ($1, $2, $3)`, [id, grant.id, consumer.id]);
        created.push(grant);
      }
      await this.record(ctx, 'returnflow.create', dataset, provider, id, {
        fieldsClear: fields.filter((field) => !masked.includes(field)),
        fieldsMasked: masked,
        rowScope,
        grants: created.map((grant) => ({ id: grant.id, version: grant.version })),
        detail: { consumers: consumers.map((consumer) => consumer.code), divisionField: input.divisionField, validUntil: input.validUntil ?? null },
      });
      return id;
    });
    return this.get(ctx, id);
  }

  /** Revokes every grant of the agreement still in force, in one transaction, and the agreement with them. */
  async revoke(ctx: RequestContext, id: string, reason: string): Promise<ReturnFlowDto> {
    if (!reason?.trim()) throw badInput('reason', 'is required: say why the return flow ends');
    await this.db.transaction(async (tx) => {
      const flow = await this.row(id, tx, true);
      if (!flow || !(await this.visible(ctx, flow))) throw notFound(`Return flow ${id}`);
      const dataset = await this.datasetById(flow.dataset_id);
      if (!hasRole(ctx.principal, Role.STEWARD) || ctx.principal.departmentId !== flow.provider_department_id) {
        throw forbidden(`Only data stewards of the department that provides ${dataset.code} may revoke its return flows`);
      }
      if (flow.status === 'REVOKED') throw conflict(`Return flow ${id} is already revoked`);
      const revoked: GrantDto[] = [];
      for (const { grantId } of flow.grants ?? []) {
        const grant = await this.grants.byId(grantId, tx);
        // A grant revoked on its own earlier stays as it was.
        if (grant && grant.status !== GrantStatus.REVOKED) revoked.push(await this.grants.revoke(tx, ctx, grantId, reason));
      }
      await tx.query(`update return_flow set status = 'REVOKED', revoked_at = now(), revoked_by = $2, revoke_reason = $3 where id = $1`, [id, ctx.principal.label, reason.trim().slice(0, 2000)]);
      const provider = (await this.departments.byId(flow.provider_department_id))!;
      await this.record(ctx, 'returnflow.revoke', dataset, provider, id, {
        grants: revoked.map((grant) => ({ id: grant.id, version: grant.version })),
        reason: reason.trim().slice(0, 500),
      });
    });
    return this.get(ctx, id);
  }

  async get(ctx: RequestContext, id: string): Promise<ReturnFlowDto> {
    const flow = await this.row(id);
    if (!flow || !(await this.visible(ctx, flow))) throw notFound(`Return flow ${id}`);
    return this.toDto(flow);
  }

  /** The agreements the caller's department made (as provider) or receives; all of them for ADMIN. Newest first. */
  async list(ctx: RequestContext, dataset?: string | null): Promise<ReturnFlowDto[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (!hasRole(ctx.principal, Role.ADMIN)) {
      params.push(ctx.principal.departmentId ?? '00000000-0000-0000-0000-000000000000');
      where.push(`(f.provider_department_id = $1 or exists (select 1 from return_flow_grant g where g.return_flow_id = f.id and g.consumer_department_id = $1))`);
    }
    if (dataset) {
      params.push(dataset);
      where.push(`f.dataset_id = (select id from dataset where code = $${params.length})`);
    }
    const rows = (await this.db.query(`${SELECT} ${where.length ? `where ${where.join(' and ')}` : ''} order by f.created_at desc, f.id limit 500`, params)) as ReturnFlowRow[];
    return Promise.all(rows.map((row) => this.toDto(row)));
  }

  /**
   * The agreement's grants the caller may see: all of them for the provider and ADMIN, a
   * receiver's own only (as `grants` shows a consumer only its own).
   */
  async grantsOf(ctx: RequestContext, flow: ReturnFlowDto): Promise<GrantDto[]> {
    const own = ctx.principal.departmentId;
    const providerSide = hasRole(ctx.principal, Role.ADMIN) || (await this.departments.byCode(flow.providerDepartmentCode))?.id === own;
    const ids = flow.grantIds.filter((entry) => providerSide || entry.consumerDepartmentId === own).map((entry) => entry.grantId);
    const grants = await Promise.all(ids.map((grantId) => this.grants.byId(grantId)));
    return grants.filter((grant): grant is GrantDto => grant !== null);
  }

  // ---- internals -----------------------------------------------------------------------------

  /** The receiving departments: each must exist, have a division, and lie below the provider's. */
  private async receivers(input: CreateReturnFlowInput, provider: DepartmentDto): Promise<DepartmentDto[]> {
    const given = (input.consumers ? 1 : 0) + (input.consumersUnder ? 1 : 0);
    if (given !== 1) throw badInput('input.consumers', 'give either consumers (department codes) or consumersUnder (a department whose subtree receives), not both and not neither');
    if (!provider.divisionCode) throw badInput('input.dataset', `your department ${provider.code} has no division code: a return flow needs a provider above its receivers`);
    if (input.consumersUnder) {
      const root = await this.departments.requireByCode(input.consumersUnder, 'input.consumersUnder');
      const all = await this.departments.all();
      const under = all.filter((department) => (department.code === root.code || this.descendsFrom(department, root.code, all)) && isBelowDivision(department.divisionCode, provider.divisionCode));
      if (under.length === 0) throw badInput('input.consumersUnder', `no department under ${root.code} lies in a division below ${provider.divisionCode}`);
      return under;
    }
    const problems: InputProblem[] = [];
    const seen = new Set<string>();
    const found: DepartmentDto[] = [];
    for (const [index, code] of input.consumers!.entries()) {
      const at = `input.consumers[${index}]`;
      if (seen.has(code)) {
        problems.push({ field: at, message: `repeats ${code}` });
        continue;
      }
      seen.add(code);
      const department = await this.departments.byCode(code);
      if (!department) problems.push({ field: at, message: `no department has the code ${code}` });
      else if (!department.divisionCode) problems.push({ field: at, message: `${code} has no division code: it could read no row of a return flow` });
      else if (!isBelowDivision(department.divisionCode, provider.divisionCode)) {
        problems.push({ field: at, message: `${code} (division ${department.divisionCode}) is not below your department’s division ${provider.divisionCode}: a return flow goes to lower levels only` });
      } else found.push(department);
    }
    if (problems.length > 0) throw badInputs(problems);
    return found;
  }

  private descendsFrom(department: DepartmentDto, ancestor: string, all: DepartmentDto[]): boolean {
    const byCode = new Map(all.map((entry) => [entry.code, entry]));
    let parent = department.parentCode;
    // Bounded walk: a cycle in bad data must not hang the request.
    for (let depth = 0; parent && depth < 32; depth += 1) {
      if (parent === ancestor) return true;
      parent = byCode.get(parent)?.parentCode ?? null;
    }
    return false;
  }

  private async row(id: string, manager: EntityManager = this.db.manager, lock = false): Promise<ReturnFlowRow | null> {
    if (!UUID.test(id)) return null;
    const rows = (await manager.query(`${SELECT} where f.id = $1 ${lock ? 'for update of f' : ''}`, [id])) as ReturnFlowRow[];
    return rows[0] ?? null;
  }

  private async visible(ctx: RequestContext, flow: ReturnFlowRow): Promise<boolean> {
    if (hasRole(ctx.principal, Role.ADMIN)) return true;
    const own = ctx.principal.departmentId;
    if (!own) return false;
    return flow.provider_department_id === own || (flow.grants ?? []).some((entry) => entry.consumerDepartmentId === own);
  }

  private async datasetById(id: string): Promise<PolicyDataset> {
    const dto = await this.catalogue.findById(id);
    if (!dto) throw notFound(`Dataset ${id}`);
    return (await this.policy.dataset(dto.code))!;
  }

  private async toDto(row: ReturnFlowRow): Promise<ReturnFlowDto> {
    const dataset = await this.catalogue.findById(row.dataset_id);
    const provider = await this.departments.byId(row.provider_department_id);
    const grantIds = row.grants ?? [];
    const consumers = await Promise.all(grantIds.map(async (entry) => (await this.departments.byId(entry.consumerDepartmentId))?.code ?? ''));
    return {
      id: row.id,
      datasetCode: dataset?.code ?? '',
      providerDepartmentCode: provider?.code ?? '',
      divisionField: row.division_field,
      fields: row.fields,
      masked: row.masked,
      consumerDepartmentCodes: consumers.sort(),
      purpose: row.purpose,
      legalBasis: row.legal_basis,
      validUntil: row.valid_until,
      status:
        row.status === 'REVOKED'
          ? ReturnFlowStatus.REVOKED
          : row.valid_until && new Date(row.valid_until).getTime() <= Date.now()
            ? ReturnFlowStatus.EXPIRED
            : ReturnFlowStatus.ACTIVE,
      createdAt: row.created_at,
      createdBy: row.created_by,
      revokedAt: row.revoked_at,
      revokedBy: row.revoked_by,
      revokeReason: row.revoke_reason,
      grantIds,
    };
  }

  private async record(
    ctx: RequestContext,
    action: string,
    dataset: PolicyDataset,
    provider: DepartmentDto,
    flowId: string,
    event: Omit<Parameters<AuditService['record']>[1], 'action' | 'outcome'>,
  ): Promise<void> {
    await this.audit.record(ctx, { action, outcome: AuditOutcome.ALLOWED, dataset: dataset.code, providerDepartment: provider.code, target: `return-flow:${flowId}`, ...event });
  }
}

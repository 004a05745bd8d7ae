import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditOutcome, AuditService } from '@causeway/audit';
import { CatalogueRegistry, DatasetStatus, SharingType } from '@causeway/catalogue';
import {
  badInput,
  badInputs,
  CausewayConfig,
  conflict,
  CursorCodec,
  DEFAULT_PAGE_SIZE,
  forbidden,
  hasRole,
  MAX_PAGE_SIZE,
  notFound,
  Role,
  type InputProblem,
  type RequestContext,
} from '@causeway/core';
import { DepartmentsService } from '@causeway/identity';
import { GrantsService, grantProblems, PolicyService, type GrantDto, type GrantFilter, type PolicyDataset } from '@causeway/policy';
import { DataSource, EntityManager } from 'typeorm';
import { AccessRequestConnection, AccessRequestDto, AccessRequestEventDto, AccessRequestFilter, AccessRequestStatus, ApproveAccessRequestInput, RequestAccessInput } from './dto.js';
import { AccessRequestEntity, AccessRequestEventEntity } from './entities.js';
import { CalendarService } from './calendar.service.js';
import { appendHistory } from './history.js';

const NO_DEPARTMENT = '00000000-0000-0000-0000-000000000000';

/**
 * The access-request workflow (有条件共享): a consumer asks, the provider's steward approves
 * (creating a grant, possibly narrowed, masked, row-scoped and time-limited), rejects with a
 * reason, or lets it wait; the requester may withdraw; the provider may revoke the grant. Each
 * transition is one transaction holding the request row lock, its history entry and its audit
 * event (written before the transaction commits, so that nothing changes unrecorded).
 */
@Injectable()
export class AccessService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalogue: CatalogueRegistry,
    private readonly departments: DepartmentsService,
    private readonly policy: PolicyService,
    private readonly grants: GrantsService,
    private readonly audit: AuditService,
    private readonly cursors: CursorCodec,
    private readonly calendar: CalendarService,
    private readonly config: CausewayConfig,
  ) {}

  // ---- transitions ---------------------------------------------------------------------------

  async requestAccess(ctx: RequestContext, input: RequestAccessInput): Promise<AccessRequestDto> {
    const principal = ctx.principal;
    if (!principal.departmentId || !hasRole(principal, Role.STEWARD, Role.CONSUMER)) throw forbidden('Only a data steward or a system of a department can request access for it');
    const visible = await this.catalogue.get(ctx, input.dataset);
    const dataset = (await this.policy.dataset(visible.code))!;
    const problems: InputProblem[] = [];
    if (dataset.providerDepartmentId === principal.departmentId) problems.push({ field: 'input.dataset', message: `${dataset.code} is your department’s own: you read it in full already` });
    if (dataset.status !== DatasetStatus.PUBLISHED) problems.push({ field: 'input.dataset', message: `${dataset.code} is ${dataset.status.toLowerCase()}: only published datasets can be requested` });
    const now = new Date();
    problems.push(
      ...grantProblems({ dataset, fields: [...new Set(input.fields)], masked: [], rowScope: null, validUntil: input.validUntil ?? null }, now),
    );
    if (!input.purpose.trim()) problems.push({ field: 'input.purpose', message: 'must say what the data serves' });
    if (problems.length > 0) throw badInputs(problems);

    const id = await this.db.transaction(async (tx) => {
      // One pending request per dataset and department: a second would only split the answer.
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`access-request:${dataset.id}:${principal.departmentId}`]);
      const pending = (await tx.query(`select id from access_request where dataset_id = $1 and consumer_department_id = $2 and status = 'PENDING'`, [dataset.id, principal.departmentId])) as { id: string }[];
      if (pending.length > 0) throw conflict(`Your department already has a pending request for ${dataset.code} (${pending[0]!.id}): withdraw it or wait for the answer`);
      const row = await tx.getRepository(AccessRequestEntity).save(
        tx.getRepository(AccessRequestEntity).create({
          datasetId: dataset.id,
          consumerDepartmentId: principal.departmentId!,
          requestedBy: principal.label,
          fields: [...new Set(input.fields)],
          purpose: input.purpose.trim(),
          useScope: input.useScope?.trim() || null,
          legalBasis: input.legalBasis?.trim() || null,
          validUntil: input.validUntil ?? null,
          status: 'PENDING',
          createdAt: now,
          deadline: (await this.calendar.calendar(tx)).addWorkingDays(now, this.config.DEADLINE_ACCESS_ANSWER_WORKING_DAYS),
          decidedAt: null,
          decidedBy: null,
          decisionReason: null,
          grantId: null,
        }),
      );
      await this.history(tx, ctx, row.id, 'REQUESTED', null, { fields: row.fields, validUntil: row.validUntil });
      await this.record(ctx, 'access.request', dataset, row.id, { fieldsRequested: row.fields, purpose: row.purpose });
      return row.id;
    });
    return this.get(ctx, id);
  }

  async approve(ctx: RequestContext, id: string, input: ApproveAccessRequestInput = {}): Promise<AccessRequestDto> {
    await this.db.transaction(async (tx) => {
      const { row, dataset } = await this.decidable(tx, ctx, id);
      const fields = [...new Set(input.fields ?? row.fields)];
      const masked = [...new Set(input.masked ?? [])];
      const problems: InputProblem[] = [];
      fields.forEach((field, index) => {
        if (!row.fields.includes(field)) problems.push({ field: `input.fields[${index}]`, message: `${field} was not requested: approval may only narrow the request` });
      });
      const validUntil = input.validUntil ?? row.validUntil;
      if (row.validUntil && validUntil && validUntil.getTime() > row.validUntil.getTime()) {
        problems.push({ field: 'input.validUntil', message: 'must not be later than the end of the requested period' });
      }
      if (problems.length > 0) throw badInputs(problems);
      const grant = await this.grants.create(tx, ctx, {
        dataset,
        consumerDepartmentId: row.consumerDepartmentId,
        accessRequestId: row.id,
        fields,
        masked,
        rowScope: input.rowScope ?? null,
        purpose: row.purpose,
        useScope: row.useScope,
        legalBasis: row.legalBasis,
        validUntil,
        aggregateOnly: input.aggregateOnly ?? false,
        requirePurpose: input.requirePurpose ?? false,
        requireEndUserId: input.requireEndUserId ?? false,
      });
      await tx.getRepository(AccessRequestEntity).update(row.id, { status: 'APPROVED', decidedAt: new Date(), decidedBy: ctx.principal.label, grantId: grant.id });
      const details = { grantId: grant.id, fields, masked, rowScope: grant.rowScope, validUntil, aggregateOnly: grant.aggregateOnly, requirePurpose: grant.requirePurpose, requireEndUserId: grant.requireEndUserId };
      await this.history(tx, ctx, row.id, 'APPROVED', null, details);
      await this.record(ctx, 'access.approve', dataset, row.id, {
        fieldsRequested: row.fields,
        fieldsClear: fields.filter((field) => !masked.includes(field)),
        fieldsMasked: masked,
        rowScope: grant.rowScope,
        grants: [{ id: grant.id, version: grant.version }],
        detail: { request: row.id, validUntil, aggregateOnly: grant.aggregateOnly },
      });
    });
    return this.get(ctx, id);
  }

  async reject(ctx: RequestContext, id: string, reason: string): Promise<AccessRequestDto> {
    if (!reason?.trim()) throw badInput('reason', 'is required: tell the requester why');
    await this.db.transaction(async (tx) => {
      const { row, dataset } = await this.decidable(tx, ctx, id);
      await tx.getRepository(AccessRequestEntity).update(row.id, { status: 'REJECTED', decidedAt: new Date(), decidedBy: ctx.principal.label, decisionReason: reason.trim().slice(0, 2000) });
      await this.history(tx, ctx, row.id, 'REJECTED', reason.trim(), {});
      await this.record(ctx, 'access.reject', dataset, row.id, { fieldsRequested: row.fields, reason: reason.trim().slice(0, 500) });
    });
    return this.get(ctx, id);
  }

  async withdraw(ctx: RequestContext, id: string, reason?: string | null): Promise<AccessRequestDto> {
    await this.db.transaction(async (tx) => {
      const row = await this.locked(tx, ctx, id);
      if (row.consumerDepartmentId !== ctx.principal.departmentId || !hasRole(ctx.principal, Role.STEWARD, Role.CONSUMER)) {
        throw forbidden('Only the requesting department may withdraw its request');
      }
      if (row.status !== 'PENDING') throw conflict(`Request ${id} is ${row.status.toLowerCase()}: only a pending request can be withdrawn`);
      const dataset = await this.datasetById(row.datasetId);
      await tx.getRepository(AccessRequestEntity).update(row.id, { status: 'WITHDRAWN', decidedAt: new Date(), decidedBy: ctx.principal.label, decisionReason: reason?.trim() || null });
      await this.history(tx, ctx, row.id, 'WITHDRAWN', reason?.trim() || null, {});
      await this.record(ctx, 'access.withdraw', dataset, row.id, { fieldsRequested: row.fields });
    });
    return this.get(ctx, id);
  }

  async revokeGrant(ctx: RequestContext, grantId: string, reason: string): Promise<GrantDto> {
    if (!reason?.trim()) throw badInput('reason', 'is required: say why the grant ends');
    const revoked = await this.db.transaction(async (tx) => {
      const grant = await this.grants.revoke(tx, ctx, grantId, reason);
      if (grant.accessRequestId) await this.history(tx, ctx, grant.accessRequestId, 'GRANT_REVOKED', reason.trim(), { grantId });
      const dataset = await this.datasetById(grant.datasetId);
      await this.record(ctx, 'grant.revoke', dataset, null, {
        target: `grant:${grant.id}`,
        grants: [{ id: grant.id, version: grant.version }],
        reason: reason.trim().slice(0, 500),
        detail: { consumer: grant.consumerDepartmentCode, request: grant.accessRequestId },
      });
      return grant;
    });
    return revoked;
  }

  /**
   * Reminds the provider of a pending request (催办): the data bureau, or the requesting
   * department. Recorded in the request's history and the audit trail; changes no deadline.
   */
  async remind(ctx: RequestContext, id: string, note?: string | null): Promise<AccessRequestDto> {
    await this.db.transaction(async (tx) => {
      const row = await this.locked(tx, ctx, id);
      const requester = row.consumerDepartmentId === ctx.principal.departmentId && hasRole(ctx.principal, Role.STEWARD, Role.CONSUMER);
      if (!hasRole(ctx.principal, Role.ADMIN) && !requester) throw forbidden('Only the data bureau (ADMIN) or the requesting department may send a reminder');
      if (row.status !== 'PENDING') throw conflict(`Request ${id} is ${row.status.toLowerCase()}: only a pending request can be reminded of`);
      const dataset = await this.datasetById(row.datasetId);
      const now = new Date();
      const overdue = now.getTime() > row.deadline.getTime();
      await tx.getRepository(AccessRequestEntity).update(row.id, { lastRemindedAt: now });
      await this.history(tx, ctx, row.id, 'REMINDED', note?.trim().slice(0, 2000) || null, { deadline: row.deadline, overdue });
      await this.record(ctx, 'access.remind', dataset, row.id, { reason: note?.trim().slice(0, 500) || null, detail: { deadline: row.deadline, overdue } });
    });
    return this.get(ctx, id);
  }

  // ---- reading -------------------------------------------------------------------------------

  async get(ctx: RequestContext, id: string): Promise<AccessRequestDto> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound(`Access request ${id}`);
    const row = await this.db.getRepository(AccessRequestEntity).findOne({ where: { id } });
    if (!row || !(await this.visible(ctx, row))) throw notFound(`Access request ${id}`);
    return (await this.toDtos([row]))[0]!;
  }

  /**
   * Requests the caller may see: those its department filed and those for its department's
   * datasets (a steward sees what waits for an answer); an ADMIN sees all. Newest first.
   */
  async list(ctx: RequestContext, filter: AccessRequestFilter = {}, first = DEFAULT_PAGE_SIZE, after?: string | null): Promise<AccessRequestConnection> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput('first', `must be a whole number from 0 to ${MAX_PAGE_SIZE}`);
    const scope = `access-requests|${ctx.principal.departmentId ?? '-'}|${JSON.stringify(filter)}`;
    const query = this.db.getRepository(AccessRequestEntity).createQueryBuilder('r').innerJoin('dataset', 'd', 'd.id = r.dataset_id');
    if (!hasRole(ctx.principal, Role.ADMIN)) {
      query.andWhere('(r.consumer_department_id = :own or d.provider_department_id = :own)', { own: ctx.principal.departmentId ?? NO_DEPARTMENT });
    }
    if (filter.status) query.andWhere('r.status = :status', { status: filter.status });
    if (filter.dataset) query.andWhere('d.code = :dataset', { dataset: filter.dataset });
    if (filter.consumer) query.andWhere('r.consumer_department_id = (select id from department where code = :consumer)', { consumer: filter.consumer });
    if (filter.provider) query.andWhere('d.provider_department_id = (select id from department where code = :provider)', { provider: filter.provider });
    if (filter.overdue === true) query.andWhere(`r.status = 'PENDING' and r.deadline < now()`);
    if (filter.overdue === false) query.andWhere(`not (r.status = 'PENDING' and r.deadline < now())`);
    const totalCount = await query.clone().getCount();
    if (after) {
      const position = this.cursors.decode<{ at: string; id: string }>(scope, after);
      query.andWhere('(r.created_at, r.id) < (:at, :id)', { at: position.at, id: position.id });
    }
    const rows = await query.orderBy('r.created_at', 'DESC').addOrderBy('r.id', 'DESC').limit(first + 1).getMany();
    const page = rows.slice(0, first);
    const nodes = await this.toDtos(page);
    const edges = nodes.map((node) => ({ node, cursor: this.cursors.encode(scope, { at: node.createdAt.toISOString(), id: node.id }) }));
    return { nodes, edges, totalCount, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  async historyOf(requestId: string): Promise<AccessRequestEventDto[]> {
    const rows = await this.db.getRepository(AccessRequestEventEntity).find({ where: { requestId }, order: { id: 'ASC' } });
    return rows.map((row) => ({ at: row.at, principal: row.principal, department: row.departmentCode, action: row.action, reason: row.reason, details: row.details }));
  }

  listGrants(ctx: RequestContext, filter?: GrantFilter): Promise<GrantDto[]> {
    return this.grants.list(ctx, filter);
  }

  getGrant(ctx: RequestContext, id: string): Promise<GrantDto> {
    return this.grants.get(ctx, id);
  }

  grantById(id: string): Promise<GrantDto | null> {
    return this.grants.byId(id);
  }

  // ---- internals -----------------------------------------------------------------------------

  private async locked(tx: EntityManager, ctx: RequestContext, id: string): Promise<AccessRequestEntity> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound(`Access request ${id}`);
    const row = await tx.getRepository(AccessRequestEntity).createQueryBuilder('r').setLock('pessimistic_write').where('r.id = :id', { id }).getOne();
    if (!row || !(await this.visible(ctx, row))) throw notFound(`Access request ${id}`);
    return row;
  }

  /** A pending request the caller, a steward of the provider, may answer. */
  private async decidable(tx: EntityManager, ctx: RequestContext, id: string): Promise<{ row: AccessRequestEntity; dataset: PolicyDataset }> {
    const row = await this.locked(tx, ctx, id);
    const dataset = await this.datasetById(row.datasetId);
    if (!hasRole(ctx.principal, Role.STEWARD) || ctx.principal.departmentId !== dataset.providerDepartmentId) {
      throw forbidden(`Only data stewards of the department that provides ${dataset.code} may answer its access requests`);
    }
    if (row.status !== 'PENDING') throw conflict(`Request ${id} is ${row.status.toLowerCase()} already`);
    if (dataset.sharingType === SharingType.NONE) throw badInput('id', `${dataset.code} is no longer shared (NONE): reject the request`);
    return { row, dataset };
  }

  private async datasetById(id: string): Promise<PolicyDataset> {
    const dto = await this.catalogue.findById(id);
    if (!dto) throw notFound(`Dataset ${id}`);
    return (await this.policy.dataset(dto.code))!;
  }

  private async visible(ctx: RequestContext, row: AccessRequestEntity): Promise<boolean> {
    if (hasRole(ctx.principal, Role.ADMIN)) return true;
    if (!ctx.principal.departmentId) return false;
    if (row.consumerDepartmentId === ctx.principal.departmentId) return true;
    const dataset = await this.catalogue.findById(row.datasetId);
    return dataset?.providerDepartmentId === ctx.principal.departmentId;
  }

  private history(tx: EntityManager, ctx: RequestContext, requestId: string, action: string, reason: string | null, details: Record<string, unknown>): Promise<void> {
    return appendHistory(tx, 'accessRequest', ctx, requestId, action, reason, details);
  }

  private async record(
    ctx: RequestContext,
    action: string,
    dataset: PolicyDataset,
    requestId: string | null,
    event: Omit<Parameters<AuditService['record']>[1], 'action' | 'outcome'>,
  ): Promise<void> {
    await this.audit.record(ctx, {
      action,
      outcome: AuditOutcome.ALLOWED,
      dataset: dataset.code,
      providerDepartment: (await this.departments.byId(dataset.providerDepartmentId))?.code ?? null,
      target: requestId ? `access-request:${requestId}` : null,
      ...event,
    });
  }

  private async toDtos(rows: AccessRequestEntity[]): Promise<AccessRequestDto[]> {
    const now = new Date();
    const calendar = await this.calendar.calendar();
    return Promise.all(
      rows.map(async (row) => {
        const dataset = await this.catalogue.findById(row.datasetId);
        const provider = dataset ? await this.departments.byId(dataset.providerDepartmentId) : null;
        const consumer = await this.departments.byId(row.consumerDepartmentId);
        const until = row.decidedAt ?? now;
        return {
          id: row.id,
          datasetId: row.datasetId,
          consumerDepartmentId: row.consumerDepartmentId,
          grantId: row.grantId,
          datasetCode: dataset?.code ?? '',
          providerDepartmentCode: provider?.code ?? '',
          consumerDepartmentCode: consumer?.code ?? '',
          requestedBy: row.requestedBy,
          fields: row.fields,
          purpose: row.purpose,
          useScope: row.useScope,
          legalBasis: row.legalBasis,
          validUntil: row.validUntil,
          status: row.status as AccessRequestStatus,
          createdAt: row.createdAt,
          deadline: row.deadline,
          overdue: row.status === 'PENDING' && now.getTime() > row.deadline.getTime(),
          waitingWorkingDays: calendar.workingDaysBetween(row.createdAt, until),
          waitingHours: Math.floor((until.getTime() - row.createdAt.getTime()) / 3_600_000),
          decidedAt: row.decidedAt,
          decidedBy: row.decidedBy,
          decisionReason: row.decisionReason,
          lastRemindedAt: row.lastRemindedAt,
        };
      }),
    );
  }
}

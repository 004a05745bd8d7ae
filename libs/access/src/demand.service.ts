import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditOutcome, AuditService } from '@causeway/audit';
import { CatalogueRegistry } from '@causeway/catalogue';
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
import { DataSource, EntityManager } from 'typeorm';
import { AccessService } from './access.service.js';
import { CalendarService } from './calendar.service.js';
import { oversightOf } from './timeliness/timeliness.js';
import {
  AccessRequestDto,
  AnswerDemandInput,
  AssignDemandInput,
  DemandAnswerOutcome,
  DemandConnection,
  DemandDto,
  DemandEventDto,
  DemandFilter,
  DemandStatus,
  OverdueItemDto,
  RequestAccessFromDemandInput,
  SubmitDemandInput,
  WorkflowItemKind,
} from './dto.js';
import { DemandEntity, DemandEventEntity } from './entities.js';
import { cstDate, dayOfDate, endOfCstDay } from './working-days.js';
import { appendHistory } from './history.js';

const NO_DEPARTMENT = '00000000-0000-0000-0000-000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A promise to catalogue data later than this is no answer. */
const MAX_PLAN_YEARS = 3;

/** The SQL of "past the deadline of its current stage" for a demand aliased `m`. */
const DEMAND_OVERDUE_SQL = `((m.status = 'SUBMITTED' and m.assign_deadline < now())
  or (m.status = 'ASSIGNED' and m.answer_deadline < now())
  or (m.status = 'PLANNED' and m.planned_by < (now() at time zone 'Asia/Shanghai')::date))`;

/**
 * The demand list (需求清单): a department asks for data that is not catalogued yet; the data
 * bureau (ADMIN) checks it and assigns a provider within DEADLINE_DEMAND_ASSIGN_WORKING_DAYS;
 * the provider's steward answers within DEADLINE_DEMAND_ANSWER_WORKING_DAYS: will catalogue it by
 * a date, links an existing dataset, or declines with a reason. Once linked, the requester asks
 * for access in one step. Each step is one transaction with the row lock, its history entry and
 * its audit event, like an access request.
 */
@Injectable()
export class DemandService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalogue: CatalogueRegistry,
    private readonly departments: DepartmentsService,
    private readonly access: AccessService,
    private readonly calendar: CalendarService,
    private readonly audit: AuditService,
    private readonly cursors: CursorCodec,
    private readonly config: CausewayConfig,
  ) {}

  // ---- transitions ---------------------------------------------------------------------------

  async submit(ctx: RequestContext, input: SubmitDemandInput): Promise<DemandDto> {
    const principal = ctx.principal;
    if (!principal.departmentId || !hasRole(principal, Role.STEWARD, Role.CONSUMER)) throw forbidden('Only a data steward or a system of a department can submit a demand for it');
    const problems: InputProblem[] = [];
    if (!input.title.trim()) problems.push({ field: 'input.title', message: 'must name the data wanted' });
    if (!input.description.trim()) problems.push({ field: 'input.description', message: 'must describe the data wanted' });
    if (!input.purpose.trim()) problems.push({ field: 'input.purpose', message: 'must say what the data serves' });
    const fields = [...new Set(input.fields.map((field) => field.trim()).filter(Boolean))];
    if (fields.length === 0) problems.push({ field: 'input.fields', message: 'must name at least one field wanted' });
    let suggestedId: string | null = null;
    if (input.suggestedProvider) {
      const suggested = await this.departments.byCode(input.suggestedProvider);
      if (!suggested) problems.push({ field: 'input.suggestedProvider', message: `no department ${input.suggestedProvider}; list them with the departments query` });
      else if (suggested.id === principal.departmentId) problems.push({ field: 'input.suggestedProvider', message: 'is your own department: catalogue the data yourself' });
      else suggestedId = suggested.id;
    }
    if (problems.length > 0) throw badInputs(problems);
    const now = new Date();
    const id = await this.db.transaction(async (tx) => {
      const calendar = await this.calendar.calendar(tx);
      const row = await tx.getRepository(DemandEntity).save(
        tx.getRepository(DemandEntity).create({
          requesterDepartmentId: principal.departmentId!,
          requestedBy: principal.label,
          title: input.title.trim(),
          description: input.description.trim(),
          fields,
          purpose: input.purpose.trim(),
          legalBasis: input.legalBasis?.trim() || null,
          suggestedProviderDepartmentId: suggestedId,
          providerDepartmentId: null,
          status: 'SUBMITTED',
          createdAt: now,
          assignDeadline: calendar.addWorkingDays(now, this.config.DEADLINE_DEMAND_ASSIGN_WORKING_DAYS),
        }),
      );
      await this.history(tx, ctx, row.id, 'SUBMITTED', null, { fields, suggestedProvider: input.suggestedProvider ?? null, assignDeadline: row.assignDeadline });
      await this.record(ctx, 'demand.submit', row.id, null, { fieldsRequested: fields, purpose: row.purpose, detail: { title: row.title.slice(0, 200) } });
      return row.id;
    });
    return this.get(ctx, id);
  }

  /** The data bureau assigns (or re-assigns, before an answer) the provider that must answer. */
  async assign(ctx: RequestContext, id: string, input: AssignDemandInput): Promise<DemandDto> {
    if (!hasRole(ctx.principal, Role.ADMIN)) throw forbidden('Only the data bureau (a platform ADMIN) assigns demands to providers');
    await this.db.transaction(async (tx) => {
      const row = await this.locked(tx, ctx, id);
      if (row.status !== 'SUBMITTED' && row.status !== 'ASSIGNED') throw conflict(`Demand ${id} is ${row.status.toLowerCase()}: it was answered already`);
      const provider = await this.departments.byCode(input.provider);
      if (!provider) throw badInput('input.provider', `no department ${input.provider}; list them with the departments query`);
      if (provider.id === row.requesterDepartmentId) throw badInput('input.provider', `${provider.code} asked for the data itself: assign the department that holds it`);
      const now = new Date();
      const answerDeadline = (await this.calendar.calendar(tx)).addWorkingDays(now, this.config.DEADLINE_DEMAND_ANSWER_WORKING_DAYS);
      const reassigned = row.status === 'ASSIGNED';
      await tx.getRepository(DemandEntity).update(row.id, { status: 'ASSIGNED', providerDepartmentId: provider.id, assignedAt: now, assignedBy: ctx.principal.label, answerDeadline });
      await this.history(tx, ctx, row.id, 'ASSIGNED', input.note?.trim() || null, { provider: provider.code, answerDeadline, reassigned });
      await this.record(ctx, 'demand.assign', row.id, provider.code, { reason: input.note?.trim().slice(0, 500) || null, detail: { answerDeadline, reassigned } });
    });
    return this.get(ctx, id);
  }

  /** The assigned provider's steward answers: a plan with a date, a linked dataset, or a reasoned refusal. */
  async answer(ctx: RequestContext, id: string, input: AnswerDemandInput): Promise<DemandDto> {
    await this.db.transaction(async (tx) => {
      const row = await this.locked(tx, ctx, id);
      if (!hasRole(ctx.principal, Role.STEWARD) || !row.providerDepartmentId || ctx.principal.departmentId !== row.providerDepartmentId) {
        throw forbidden('Only data stewards of the department the demand is assigned to may answer it');
      }
      if (row.status !== 'ASSIGNED' && row.status !== 'PLANNED') throw conflict(`Demand ${id} is ${row.status.toLowerCase()}: only an assigned or planned demand can be answered`);
      if (row.status === 'PLANNED' && input.outcome === DemandAnswerOutcome.PLAN) {
        // A new date would move the promise silently: link the dataset or decline instead.
        throw conflict(`Demand ${id} is planned for ${row.plannedBy} already: link the dataset once it is catalogued, or decline`);
      }
      const provider = (await this.departments.byId(row.providerDepartmentId))!;
      const reason = input.reason?.trim() || null;
      const now = new Date();
      const base = { answeredAt: now, answeredBy: ctx.principal.label };
      if (input.outcome === DemandAnswerOutcome.PLAN) {
        const plannedBy = this.plannedDate(input.plannedBy, now);
        await tx.getRepository(DemandEntity).update(row.id, { ...base, status: 'PLANNED', plannedBy });
        await this.history(tx, ctx, row.id, 'PLANNED', reason, { plannedBy });
        await this.record(ctx, 'demand.answer', row.id, provider.code, { reason: reason?.slice(0, 500) ?? null, detail: { outcome: 'PLAN', plannedBy } });
      } else if (input.outcome === DemandAnswerOutcome.LINK) {
        if (!input.dataset) throw badInput('input.dataset', 'is required to link: the code of your department’s dataset that holds the data');
        const dataset = await this.catalogue.findByCode(input.dataset);
        if (!dataset || dataset.providerDepartmentId !== row.providerDepartmentId) {
          throw badInput('input.dataset', `${input.dataset.slice(0, 64)} is not a dataset of ${provider.code}: link one your department provides`);
        }
        await tx.getRepository(DemandEntity).update(row.id, { ...base, status: 'LINKED', datasetId: dataset.id });
        await this.history(tx, ctx, row.id, 'LINKED', reason, { dataset: dataset.code });
        await this.record(ctx, 'demand.answer', row.id, provider.code, { dataset: dataset.code, reason: reason?.slice(0, 500) ?? null, detail: { outcome: 'LINK' } });
      } else {
        if (!reason) throw badInput('input.reason', 'is required to decline: tell the requester why');
        await tx.getRepository(DemandEntity).update(row.id, { ...base, status: 'DECLINED', declineReason: reason.slice(0, 2000) });
        await this.history(tx, ctx, row.id, 'DECLINED', reason, {});
        await this.record(ctx, 'demand.answer', row.id, provider.code, { reason: reason.slice(0, 500), detail: { outcome: 'DECLINE' } });
      }
    });
    return this.get(ctx, id);
  }

  /** One step from a linked demand to an access request for its dataset (共享申请). */
  async requestAccess(ctx: RequestContext, id: string, input: RequestAccessFromDemandInput = {}): Promise<AccessRequestDto> {
    const row = await this.db.getRepository(DemandEntity).findOne({ where: { id: this.checkedId(id) } });
    if (!row || !this.visible(ctx, row)) throw notFound(`Demand ${id}`);
    if (row.requesterDepartmentId !== ctx.principal.departmentId || !hasRole(ctx.principal, Role.STEWARD, Role.CONSUMER)) {
      throw forbidden('Only the department that submitted the demand may request access from it');
    }
    if (row.status !== 'LINKED' || !row.datasetId) throw conflict(`Demand ${id} is ${row.status.toLowerCase()}: access can be requested once the provider links a dataset`);
    const dataset = await this.catalogue.findById(row.datasetId);
    if (!dataset) throw notFound(`Dataset of demand ${id}`);
    let fields = input.fields;
    if (!fields) {
      const names = new Set(dataset.fields.map((field) => field.name));
      fields = row.fields.filter((field) => names.has(field));
      if (fields.length === 0) {
        throw badInput('input.fields', `the demand’s fields are not field names of ${dataset.code}: name the fields you want, e.g. ${dataset.fields.slice(0, 3).map((field) => field.name).join(', ')}`);
      }
    }
    const request = await this.access.requestAccess(ctx, {
      dataset: dataset.code,
      fields,
      purpose: input.purpose ?? row.purpose,
      useScope: input.useScope,
      legalBasis: input.legalBasis ?? row.legalBasis ?? undefined,
      validUntil: input.validUntil,
    });
    await this.db.transaction(async (tx) => {
      await tx.getRepository(DemandEntity).update(row.id, { accessRequestId: request.id });
      await this.history(tx, ctx, row.id, 'ACCESS_REQUESTED', null, { accessRequest: request.id, dataset: dataset.code, fields });
      await this.record(ctx, 'demand.request-access', row.id, request.providerDepartmentCode, { dataset: dataset.code, fieldsRequested: fields, detail: { accessRequest: request.id } });
    });
    return request;
  }

  /** Reminds whoever must act on an open demand (催办): the data bureau or the requester. */
  async remind(ctx: RequestContext, id: string, note?: string | null): Promise<DemandDto> {
    await this.db.transaction(async (tx) => {
      const row = await this.locked(tx, ctx, id);
      const requester = row.requesterDepartmentId === ctx.principal.departmentId && hasRole(ctx.principal, Role.STEWARD, Role.CONSUMER);
      if (!hasRole(ctx.principal, Role.ADMIN) && !requester) throw forbidden('Only the data bureau (ADMIN) or the requesting department may send a reminder');
      if (row.status === 'LINKED' || row.status === 'DECLINED') throw conflict(`Demand ${id} is ${row.status.toLowerCase()}: there is nothing to remind of`);
      const dto = (await this.toDtos([row]))[0]!;
      const now = new Date();
      const responsible = row.providerDepartmentId ? ((await this.departments.byId(row.providerDepartmentId))?.code ?? null) : null;
      await tx.getRepository(DemandEntity).update(row.id, { lastRemindedAt: now });
      await this.history(tx, ctx, row.id, 'REMINDED', note?.trim().slice(0, 2000) || null, { deadline: dto.deadline, overdue: dto.overdue, responsible: responsible ?? 'platform' });
      await this.record(ctx, 'demand.remind', row.id, responsible, { reason: note?.trim().slice(0, 500) || null, detail: { deadline: dto.deadline, overdue: dto.overdue } });
    });
    return this.get(ctx, id);
  }

  // ---- reading -------------------------------------------------------------------------------

  async get(ctx: RequestContext, id: string): Promise<DemandDto> {
    const row = await this.db.getRepository(DemandEntity).findOne({ where: { id: this.checkedId(id) } });
    if (!row || !this.visible(ctx, row)) throw notFound(`Demand ${id}`);
    return (await this.toDtos([row]))[0]!;
  }

  /** Demands the caller may see: its department's own and those assigned to it; an ADMIN sees all. Newest first. */
  async list(ctx: RequestContext, filter: DemandFilter = {}, first = DEFAULT_PAGE_SIZE, after?: string | null): Promise<DemandConnection> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput('first', `must be a whole number from 0 to ${MAX_PAGE_SIZE}`);
    const scope = `demands|${ctx.principal.departmentId ?? '-'}|${JSON.stringify(filter)}`;
    const query = this.db.getRepository(DemandEntity).createQueryBuilder('m');
    if (!hasRole(ctx.principal, Role.ADMIN)) {
      query.andWhere('(m.requester_department_id = :own or m.provider_department_id = :own)', { own: ctx.principal.departmentId ?? NO_DEPARTMENT });
    }
    if (filter.status) query.andWhere('m.status = :status', { status: filter.status });
    if (filter.requester) query.andWhere('m.requester_department_id = (select id from department where code = :requester)', { requester: filter.requester });
    if (filter.provider) query.andWhere('m.provider_department_id = (select id from department where code = :provider)', { provider: filter.provider });
    if (filter.overdue === true) query.andWhere(DEMAND_OVERDUE_SQL);
    if (filter.overdue === false) query.andWhere(`not ${DEMAND_OVERDUE_SQL}`);
    const totalCount = await query.clone().getCount();
    if (after) {
      const position = this.cursors.decode<{ at: string; id: string }>(scope, after);
      query.andWhere('(m.created_at, m.id) < (:at, :id)', { at: position.at, id: position.id });
    }
    const rows = await query.orderBy('m.created_at', 'DESC').addOrderBy('m.id', 'DESC').limit(first + 1).getMany();
    const nodes = await this.toDtos(rows.slice(0, first));
    const edges = nodes.map((node) => ({ node, cursor: this.cursors.encode(scope, { at: node.createdAt.toISOString(), id: node.id }) }));
    return { nodes, edges, totalCount, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  async historyOf(demandId: string): Promise<DemandEventDto[]> {
    const rows = await this.db.getRepository(DemandEventEntity).find({ where: { demandId }, order: { id: 'ASC' } });
    return rows.map((row) => ({ at: row.at, principal: row.principal, department: row.departmentCode, action: row.action, reason: row.reason, details: row.details }));
  }

  /**
   * The overdue list (逾期清单): pending access requests and open demands past the deadline of
   * their current stage, most overdue first. The data bureau (ADMIN) and city auditors see the
   * city's; a steward or a department's auditor sees those its department must act on or is
   * waiting for.
   */
  async overdue(ctx: RequestContext, now: Date = new Date()): Promise<OverdueItemDto[]> {
    const oversight = oversightOf(ctx.principal, this.config.AUDIT_CITY_DEPARTMENTS);
    if (!oversight) throw forbidden('The overdue list is for the data bureau (ADMIN), auditors and data stewards');
    const admin = oversight.kind === 'all';
    const own = oversight.kind === 'department' ? oversight.departmentId : NO_DEPARTMENT;
    const requests = (await this.db.query(
      `select r.id, d.code as subject, c.code as requester, p.code as responsible, r.deadline, r.last_reminded_at
         from access_request r join dataset d on d.id = r.dataset_id join department c on c.id = r.consumer_department_id join department p on p.id = d.provider_department_id
        where r.status = 'PENDING' and r.deadline < $1 and ($2 or r.consumer_department_id = $3 or d.provider_department_id = $3)`,
      [now, admin, own],
    )) as { id: string; subject: string; requester: string; responsible: string; deadline: Date; last_reminded_at: Date | null }[];
    const demands = (await this.db.query(
      `select m.id, m.title as subject, c.code as requester, p.code as responsible, m.status, m.assign_deadline, m.answer_deadline,
              to_char(m.planned_by, 'YYYY-MM-DD') as planned_by, m.last_reminded_at
         from demand m join department c on c.id = m.requester_department_id left join department p on p.id = m.provider_department_id
        where m.status in ('SUBMITTED', 'ASSIGNED', 'PLANNED') and ($1 or m.requester_department_id = $2 or m.provider_department_id = $2)`,
      [admin, own],
    )) as {
      id: string;
      subject: string;
      requester: string;
      responsible: string | null;
      status: string;
      assign_deadline: Date;
      answer_deadline: Date | null;
      planned_by: string | null;
      last_reminded_at: Date | null;
    }[];
    const calendar = await this.calendar.calendar();
    const items: OverdueItemDto[] = requests.map((row) => ({
      kind: WorkflowItemKind.ACCESS_REQUEST,
      id: row.id,
      stage: 'ANSWER',
      subject: row.subject,
      requesterDepartmentCode: row.requester,
      responsible: row.responsible,
      deadline: row.deadline,
      workingDaysOverdue: calendar.workingDaysBetween(row.deadline, now),
      lastRemindedAt: row.last_reminded_at,
    }));
    for (const row of demands) {
      const { stage, deadline } = this.stageOf(row.status as DemandStatus, row.assign_deadline, row.answer_deadline, row.planned_by);
      if (!deadline || deadline.getTime() >= now.getTime()) continue;
      items.push({
        kind: WorkflowItemKind.DEMAND,
        id: row.id,
        stage,
        subject: row.subject,
        requesterDepartmentCode: row.requester,
        responsible: row.status === 'SUBMITTED' ? 'platform' : (row.responsible ?? 'platform'),
        deadline,
        workingDaysOverdue: calendar.workingDaysBetween(deadline, now),
        lastRemindedAt: row.last_reminded_at,
      });
    }
    // Objections to a provider's data (objections/) still unanswered past their deadline; the public objects as PUBLIC.
    const objections = (await this.db.query(
      `select o.id, d.code as subject, coalesce(c.code, 'PUBLIC') as requester, p.code as responsible, o.deadline
         from objection o join dataset d on d.id = o.dataset_id join department p on p.id = o.provider_department_id left join department c on c.id = o.objector_department_id
        where o.status = 'OPEN' and o.deadline < $1 and ($2 or o.objector_department_id = $3 or o.provider_department_id = $3)`,
      [now, admin, own],
    )) as { id: string; subject: string; requester: string; responsible: string; deadline: Date }[];
    for (const row of objections) {
      items.push({
        kind: WorkflowItemKind.OBJECTION,
        id: row.id,
        stage: 'ANSWER',
        subject: row.subject,
        requesterDepartmentCode: row.requester,
        responsible: row.responsible,
        deadline: row.deadline,
        workingDaysOverdue: calendar.workingDaysBetween(row.deadline, now),
        lastRemindedAt: null,
      });
    }
    return items.sort((a, b) => a.deadline.getTime() - b.deadline.getTime() || a.id.localeCompare(b.id));
  }

  // ---- internals -----------------------------------------------------------------------------

  private stageOf(status: DemandStatus, assignDeadline: Date, answerDeadline: Date | null, plannedBy: string | null): { stage: string; deadline: Date | null } {
    if (status === DemandStatus.SUBMITTED) return { stage: 'ASSIGN', deadline: assignDeadline };
    if (status === DemandStatus.ASSIGNED) return { stage: 'ANSWER', deadline: answerDeadline };
    if (status === DemandStatus.PLANNED && plannedBy) return { stage: 'CATALOGUE', deadline: endOfCstDay(dayOfDate(plannedBy)!) };
    return { stage: 'DONE', deadline: null };
  }

  private plannedDate(value: string | undefined, now: Date): string {
    if (!value) throw badInput('input.plannedBy', 'is required to plan: the date (YYYY-MM-DD) the data will be catalogued by');
    if (dayOfDate(value) === null) throw badInput('input.plannedBy', `must be a real date as YYYY-MM-DD; got "${value.slice(0, 20)}"`);
    const today = cstDate(now);
    if (value < today) throw badInput('input.plannedBy', `${value} is in the past: promise a date from today (${today}) on`);
    const latest = `${Number(today.slice(0, 4)) + MAX_PLAN_YEARS}${today.slice(4)}`;
    if (value > latest) throw badInput('input.plannedBy', `must be within ${MAX_PLAN_YEARS} years (by ${latest}); decline instead if the data will not come`);
    return value;
  }

  private checkedId(id: string): string {
    if (!UUID.test(id)) throw notFound(`Demand ${id.slice(0, 40)}`);
    return id;
  }

  private async locked(tx: EntityManager, ctx: RequestContext, id: string): Promise<DemandEntity> {
    const row = await tx.getRepository(DemandEntity).createQueryBuilder('m').setLock('pessimistic_write').where('m.id = :id', { id: this.checkedId(id) }).getOne();
    if (!row || !this.visible(ctx, row)) throw notFound(`Demand ${id}`);
    return row;
  }

  /** The requester's department, the assigned provider and the data bureau see a demand; nobody else learns it exists. */
  private visible(ctx: RequestContext, row: DemandEntity): boolean {
    if (hasRole(ctx.principal, Role.ADMIN)) return true;
    const own = ctx.principal.departmentId;
    return !!own && (row.requesterDepartmentId === own || row.providerDepartmentId === own);
  }

  private history(tx: EntityManager, ctx: RequestContext, demandId: string, action: string, reason: string | null, details: Record<string, unknown>): Promise<void> {
    return appendHistory(tx, 'demand', ctx, demandId, action, reason, details);
  }

  private async record(
    ctx: RequestContext,
    action: string,
    demandId: string,
    providerDepartment: string | null,
    event: Omit<Parameters<AuditService['record']>[1], 'action' | 'outcome' | 'target' | 'providerDepartment'>,
  ): Promise<void> {
    await this.audit.record(ctx, { action, outcome: AuditOutcome.ALLOWED, target: `demand:${demandId}`, providerDepartment, ...event });
  }

  private async toDtos(rows: DemandEntity[]): Promise<DemandDto[]> {
    const now = Date.now();
    return Promise.all(
      rows.map(async (row) => {
        const code = async (id: string | null) => (id ? ((await this.departments.byId(id))?.code ?? null) : null);
        const dataset = row.datasetId ? await this.catalogue.findById(row.datasetId) : null;
        const { deadline } = this.stageOf(row.status as DemandStatus, row.assignDeadline, row.answerDeadline, row.plannedBy);
        return {
          id: row.id,
          datasetId: row.datasetId,
          title: row.title,
          description: row.description,
          fields: row.fields,
          purpose: row.purpose,
          legalBasis: row.legalBasis,
          requesterDepartmentCode: (await code(row.requesterDepartmentId)) ?? '',
          requestedBy: row.requestedBy,
          suggestedProviderDepartmentCode: await code(row.suggestedProviderDepartmentId),
          providerDepartmentCode: await code(row.providerDepartmentId),
          status: row.status as DemandStatus,
          createdAt: row.createdAt,
          assignDeadline: row.assignDeadline,
          assignedAt: row.assignedAt,
          answerDeadline: row.answerDeadline,
          answeredAt: row.answeredAt,
          answeredBy: row.answeredBy,
          plannedBy: row.plannedBy,
          datasetCode: dataset?.code ?? null,
          declineReason: row.declineReason,
          accessRequestId: row.accessRequestId,
          deadline,
          overdue: !!deadline && now > deadline.getTime(),
          lastRemindedAt: row.lastRemindedAt,
        };
      }),
    );
  }
}

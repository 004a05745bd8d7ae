import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditOutcome, AuditService } from '@causeway/audit';
import { CatalogueRegistry, type DatasetDto } from '@causeway/catalogue';
import {
  badInput,
  badInputs,
  CausewayConfig,
  CausewayError,
  conflict,
  CursorCodec,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  forbidden,
  hasRole,
  MAX_PAGE_SIZE,
  notFound,
  Role,
  type InputProblem,
  type RequestContext,
} from '@causeway/core';
import { ChangeFeed } from '@causeway/database';
import { ExchangeService } from '@causeway/exchange';
import { DepartmentsService } from '@causeway/identity';
import { PolicyService } from '@causeway/policy';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarService } from '../calendar.service.js';
import { DisputedRecords } from './disputed-records.service.js';
import { isContact, keyText, parseRecordKeys } from './objection-rules.js';
import {
  AnswerObjectionInput,
  FileObjectionInput,
  ObjectionConnection,
  ObjectionDto,
  ObjectionEventDto,
  ObjectionFilter,
  ObjectionOutcome,
  ObjectionStatisticsDto,
  ObjectionStatus,
} from './objection.dto.js';
import { ObjectionEntity, ObjectionEventEntity, type ObjectionKeyField } from './objection.entity.js';
import { appendHistory } from '../history.js';

const NO_DEPARTMENT = '00000000-0000-0000-0000-000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RECEIPT = /^[A-Za-z0-9_-]{32}$/;
const OVERDUE_SQL = `(o.status = 'OPEN' and o.deadline < now())`;

/**
 * Records one objector may keep under open objections in one dataset: every read of the dataset
 * tests its rows against the open objections' keys, so their number is bounded. The public counts
 * as one objector.
 */
export const MAX_OPEN_RECORDS = { PUBLIC: 200, DEPARTMENT: 1000 } as const;

const hashReceipt = (receipt: string) => createHash('sha256').update(receipt).digest('hex');

/**
 * Objections and corrections (校核纠错/异议处理). A reader of a dataset (a department that may
 * read the records, or the public for an OPEN dataset, with a contact) says records — named by
 * their key values — or fields are wrong; the provider's steward answers within
 * DEADLINE_OBJECTION_ANSWER_WORKING_DAYS: confirmed (naming the version that corrects them) or
 * rejected with a reason. Until then the records are disputed to every reader who sees them.
 * Each step is one transaction with the row lock, its history entry and its audit event.
 */
@Injectable()
export class ObjectionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalogue: CatalogueRegistry,
    private readonly departments: DepartmentsService,
    private readonly exchange: ExchangeService,
    private readonly policy: PolicyService,
    private readonly calendar: CalendarService,
    private readonly disputed: DisputedRecords,
    private readonly audit: AuditService,
    private readonly cursors: CursorCodec,
    private readonly config: CausewayConfig,
    private readonly feed: ChangeFeed,
  ) {}

  // ---- transitions ---------------------------------------------------------------------------

  async file(ctx: RequestContext, input: FileObjectionInput): Promise<ObjectionDto> {
    const principal = ctx.principal;
    const isPublic = principal.kind === 'ANONYMOUS';
    if (!isPublic && !principal.departmentId) throw forbidden('Only a department that reads the dataset, or the public for an OPEN dataset, can object to its data');
    const contact = input.contact?.trim() || null;
    if (isPublic && !contact) throw badInput('input.contact', 'is required without credentials: an e-mail address or a phone number the provider can reach you at');
    if (contact && !isContact(contact)) throw badInput('input.contact', 'must be an e-mail address (name@example.cn) or a phone number (digits, spaces, dashes, a leading +)');
    const evidence = input.evidence.trim();

    // Whether the caller may read the dataset at all is the exchange's answer, given before any
    // detail of the dataset (its key fields, its field names) reaches the caller.
    const dataset = input.dataset.length <= 64 ? await this.catalogue.findByCode(input.dataset) : null;
    const keyFields: ObjectionKeyField[] = (dataset?.fields ?? []).filter((field) => field.isKey).map((field) => ({ name: field.name, type: field.type }));
    const problems: InputProblem[] = [];
    if (!evidence) problems.push({ field: 'input.evidence', message: 'must say what is wrong and how you know it' });
    const parsed = keyFields.length > 0 ? parseRecordKeys(input.records, keyFields) : { tuples: [], problems: [] };
    problems.push(...parsed.problems);
    const cited = [...new Set(input.fields ?? [])];
    // The public must not learn the name of a key field it may not read (ARCHITECTURE §3 rule 6).
    const keysClosed = isPublic && dataset !== null && keyFields.length > 0 && !(await this.publicReads(dataset.code, keyFields));
    if (!dataset || keyFields.length === 0 || keysClosed || problems.length > 0) {
      await this.exchange.records(ctx, { dataset: input.dataset, fields: [], first: 0, via: 'objection' });
      if (!dataset) throw notFound(`Dataset ${input.dataset.slice(0, 64)}`);
      if (keyFields.length === 0) throw badInput('input.dataset', `${dataset.code} has no key fields, so its records cannot be named; ask its provider to declare them`);
      if (keysClosed) throw badInput('input.records', `the records of ${dataset.code} cannot be named by the public: its key fields are not public; write to its provider instead`);
      throw badInputs(problems);
    }
    if (!isPublic && principal.departmentId === dataset.providerDepartmentId) throw forbidden(`Your department provides ${dataset.code}: correct it in a new version instead`);

    // One read as the caller: the cited records must be among the rows it may read (the same
    // answer for a record that does not exist and one outside its scope: no oracle), and the
    // cited fields among the fields it may read.
    const page = await this.exchange.records(ctx, {
      dataset: dataset.code,
      fields: [...new Set([...keyFields.map((field) => field.name), ...cited])],
      where:
        keyFields.length === 1
          ? { [keyFields[0]!.name]: { in: parsed.tuples.map((tuple) => tuple[0]) } }
          : { _or: parsed.tuples.map((tuple) => Object.fromEntries(keyFields.map((field, index) => [field.name, { eq: tuple[index] }]))) },
      first: parsed.tuples.length,
      via: 'objection',
    });
    const seen = new Set(page.nodes.map((node) => JSON.stringify(keyFields.map((field) => keyText(field.type, node[field.name])))));
    const unseen = parsed.tuples
      .map((tuple, index) => ({ index, identity: JSON.stringify(keyFields.map((field, position) => keyText(field.type, tuple[position]))) }))
      .filter((entry) => !seen.has(entry.identity));
    if (unseen.length > 0) {
      throw badInputs(unseen.map((entry) => ({ field: `input.records[${entry.index}]`, message: `is not a record of ${dataset.code} you can read` })));
    }

    const receipt = isPublic ? randomBytes(24).toString('base64url') : null;
    const provider = (await this.departments.byId(dataset.providerDepartmentId))?.code ?? null;
    const now = new Date();
    const id = await this.db.transaction(async (tx) => {
      const kind = isPublic ? 'PUBLIC' : 'DEPARTMENT';
      const [open] = (await tx.query(
        `select coalesce(sum(jsonb_array_length(record_keys)), 0)::int as n from objection
          where dataset_id = $1 and status = 'OPEN' and objector_kind = $2 and ($2 = 'PUBLIC' or objector_department_id = $3)`,
        [dataset.id, kind, principal.departmentId ?? NO_DEPARTMENT],
      )) as { n: number }[];
      if (open!.n + parsed.tuples.length > MAX_OPEN_RECORDS[kind]) {
        throw new CausewayError(
          ErrorCode.RATE_LIMITED,
          `${isPublic ? 'The public has' : 'Your department has'} ${open!.n} records of ${dataset.code} under open objections (at most ${MAX_OPEN_RECORDS[kind]}): file more once the provider has answered`,
        );
      }
      const calendar = await this.calendar.calendar(tx);
      const row = await tx.getRepository(ObjectionEntity).save(
        tx.getRepository(ObjectionEntity).create({
          datasetId: dataset.id,
          providerDepartmentId: dataset.providerDepartmentId,
          version: page.version,
          keyFields,
          recordKeys: parsed.tuples,
          fields: cited,
          evidence: evidence.slice(0, 4000),
          objectorKind: isPublic ? 'PUBLIC' : 'DEPARTMENT',
          objectorDepartmentId: isPublic ? null : principal.departmentId,
          objector: principal.label,
          contact,
          receiptHash: receipt ? hashReceipt(receipt) : null,
          status: ObjectionStatus.OPEN,
          createdAt: now,
          updatedAt: now,
          deadline: calendar.addWorkingDays(now, this.config.DEADLINE_OBJECTION_ANSWER_WORKING_DAYS),
        }),
      );
      await this.history(tx, ctx, row.id, 'FILED', null, { version: page.version, records: parsed.tuples.length, fields: cited, deadline: row.deadline });
      await this.record(ctx, 'objection.file', row.id, dataset, provider, {
        version: page.version,
        fieldsRequested: cited,
        // The contact is personal data: the trail says there was one, not what it is.
        detail: { records: parsed.tuples.length, public: isPublic, contact: contact !== null, deadline: row.deadline },
      });
      await this.feed.notify(tx, 'objections', dataset.id);
      return row.id;
    });
    const row = (await this.db.getRepository(ObjectionEntity).findOneByOrFail({ id }))!;
    const [dto] = await this.toDtos(ctx, [row]);
    return { ...dto!, receipt };
  }

  /** The provider's steward answers: confirmed (with the correcting version) or rejected with a reason. */
  async answer(ctx: RequestContext, id: string, input: AnswerObjectionInput): Promise<ObjectionDto> {
    let datasetId = '';
    await this.db.transaction(async (tx) => {
      const row = await this.locked(tx, ctx, id);
      if (!hasRole(ctx.principal, Role.STEWARD) || ctx.principal.departmentId !== row.providerDepartmentId) {
        throw forbidden('Only data stewards of the department that provides the dataset may answer an objection to it');
      }
      if (row.status !== ObjectionStatus.OPEN) throw conflict(`Objection ${id} is ${row.status.toLowerCase()}: it was answered already`);
      datasetId = row.datasetId;
      const dataset = (await this.catalogue.findById(row.datasetId))!;
      const provider = (await this.departments.byId(row.providerDepartmentId))?.code ?? null;
      const reason = input.reason?.trim() || null;
      const now = new Date();
      const inTime = now.getTime() <= row.deadline.getTime();
      if (input.outcome === ObjectionOutcome.CONFIRM) {
        const version = input.correctedInVersion;
        if (version === undefined || version === null) throw badInput('input.correctedInVersion', 'is required to confirm: the number of the version that corrects the records');
        if (version <= row.version) throw badInput('input.correctedInVersion', `must be after version ${row.version}, the one the records were read in`);
        await tx.getRepository(ObjectionEntity).update(row.id, { status: ObjectionStatus.CONFIRMED, answeredAt: now, answeredBy: ctx.principal.label, correctedInVersion: version, reason, updatedAt: now });
        await this.history(tx, ctx, row.id, 'CONFIRMED', reason, { correctedInVersion: version, inTime });
        await this.record(ctx, 'objection.answer', row.id, dataset, provider, { reason: reason?.slice(0, 500) ?? null, detail: { outcome: 'CONFIRM', correctedInVersion: version, inTime } });
      } else {
        if (!reason) throw badInput('input.reason', 'is required to reject: tell the objector why the data is right');
        await tx.getRepository(ObjectionEntity).update(row.id, { status: ObjectionStatus.REJECTED, answeredAt: now, answeredBy: ctx.principal.label, reason: reason.slice(0, 2000), updatedAt: now });
        await this.history(tx, ctx, row.id, 'REJECTED', reason, { inTime });
        await this.record(ctx, 'objection.answer', row.id, dataset, provider, { reason: reason.slice(0, 500), detail: { outcome: 'REJECT', inTime } });
      }
      await this.feed.notify(tx, 'objections', row.datasetId);
    });
    // A confirmation naming a version already served resolves at once.
    if (input.outcome === ObjectionOutcome.CONFIRM) await this.disputed.resolveCorrections(datasetId);
    return this.get(ctx, id);
  }

  // ---- reading -------------------------------------------------------------------------------

  async get(ctx: RequestContext, id: string): Promise<ObjectionDto> {
    const row = await this.db.getRepository(ObjectionEntity).findOne({ where: { id: this.checkedId(id) } });
    if (!row || !this.visible(ctx, row)) throw notFound(`Objection ${id}`);
    return (await this.toDtos(ctx, [row]))[0]!;
  }

  /** The public objector's view, by the receipt its filing returned. */
  async byReceipt(ctx: RequestContext, receipt: string): Promise<ObjectionDto> {
    const row = RECEIPT.test(receipt) ? await this.db.getRepository(ObjectionEntity).findOne({ where: { receiptHash: hashReceipt(receipt) } }) : null;
    if (!row) throw notFound('Objection with this receipt');
    return (await this.toDtos(ctx, [row]))[0]!;
  }

  /** Objections the caller may see: its department's own and those to its datasets; all for ADMIN. Newest first. */
  async list(ctx: RequestContext, filter: ObjectionFilter = {}, first = DEFAULT_PAGE_SIZE, after?: string | null): Promise<ObjectionConnection> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput('first', `must be a whole number from 0 to ${MAX_PAGE_SIZE}`);
    const scope = `objections|${ctx.principal.departmentId ?? '-'}|${JSON.stringify(filter)}`;
    const query = this.db.getRepository(ObjectionEntity).createQueryBuilder('o');
    if (!hasRole(ctx.principal, Role.ADMIN)) {
      query.andWhere('(o.objector_department_id = :own or o.provider_department_id = :own)', { own: ctx.principal.departmentId ?? NO_DEPARTMENT });
    }
    if (filter.status) query.andWhere('o.status = :status', { status: filter.status });
    if (filter.dataset) query.andWhere('o.dataset_id = (select id from dataset where code = :dataset)', { dataset: filter.dataset });
    if (filter.provider) query.andWhere('o.provider_department_id = (select id from department where code = :provider)', { provider: filter.provider });
    if (filter.overdue === true) query.andWhere(OVERDUE_SQL);
    if (filter.overdue === false) query.andWhere(`not ${OVERDUE_SQL}`);
    const totalCount = await query.clone().getCount();
    if (after) {
      const position = this.cursors.decode<{ at: string; id: string }>(scope, after);
      query.andWhere('(o.created_at, o.id) < (:at, :id)', { at: position.at, id: position.id });
    }
    const rows = await query.orderBy('o.created_at', 'DESC').addOrderBy('o.id', 'DESC').limit(first + 1).getMany();
    const nodes = await this.toDtos(ctx, rows.slice(0, first));
    const edges = nodes.map((node) => ({ node, cursor: this.cursors.encode(scope, { at: node.createdAt.toISOString(), id: node.id }) }));
    return { nodes, edges, totalCount, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /** Per provider: received, open, overdue, answered (in time), confirmed, corrected, rejected. ADMIN: every provider; a steward: its own. */
  async statistics(ctx: RequestContext, provider?: string | null): Promise<ObjectionStatisticsDto[]> {
    const admin = hasRole(ctx.principal, Role.ADMIN);
    if (!admin && !(hasRole(ctx.principal, Role.STEWARD) && ctx.principal.departmentId)) throw forbidden('Objection statistics are for the data bureau (ADMIN) and data stewards');
    if (!admin && provider && provider !== ctx.principal.departmentCode) throw forbidden('A data steward sees the statistics of its own department only');
    const rows = (await this.db.query(
      `select p.code,
              count(*)::int as received,
              count(*) filter (where o.status = 'OPEN')::int as open,
              count(*) filter (where ${OVERDUE_SQL})::int as overdue,
              count(*) filter (where o.answered_at is not null)::int as answered,
              count(*) filter (where o.answered_at is not null and o.answered_at <= o.deadline)::int as answered_in_time,
              count(*) filter (where o.status = 'CONFIRMED')::int as confirmed,
              count(*) filter (where o.status = 'CORRECTED')::int as corrected,
              count(*) filter (where o.status = 'REJECTED')::int as rejected
         from objection o join department p on p.id = o.provider_department_id
        where ($1 or o.provider_department_id = $2) and ($3::text is null or p.code = $3)
        group by p.code order by p.code`,
      [admin, ctx.principal.departmentId ?? NO_DEPARTMENT, provider ?? null],
    )) as { code: string; received: number; open: number; overdue: number; answered: number; answered_in_time: number; confirmed: number; corrected: number; rejected: number }[];
    return rows.map((row) => ({
      providerDepartmentCode: row.code,
      received: row.received,
      open: row.open,
      overdue: row.overdue,
      answered: row.answered,
      answeredInTime: row.answered_in_time,
      confirmed: row.confirmed,
      corrected: row.corrected,
      rejected: row.rejected,
    }));
  }

  // ---- internals -----------------------------------------------------------------------------

  private async publicReads(code: string, keyFields: readonly ObjectionKeyField[]): Promise<boolean> {
    const open = new Set(await this.policy.openFields(code));
    return keyFields.every((field) => open.has(field.name));
  }

  private checkedId(id: string): string {
    if (!UUID.test(id)) throw notFound(`Objection ${id.slice(0, 40)}`);
    return id;
  }

  private async locked(tx: EntityManager, ctx: RequestContext, id: string): Promise<ObjectionEntity> {
    const row = await tx.getRepository(ObjectionEntity).createQueryBuilder('o').setLock('pessimistic_write').where('o.id = :id', { id: this.checkedId(id) }).getOne();
    if (!row || !this.visible(ctx, row)) throw notFound(`Objection ${id}`);
    return row;
  }

  /** The objecting department, the provider and the data bureau see an objection; nobody else learns it exists. */
  private visible(ctx: RequestContext, row: ObjectionEntity): boolean {
    if (hasRole(ctx.principal, Role.ADMIN)) return true;
    const own = ctx.principal.departmentId;
    return !!own && (row.objectorDepartmentId === own || row.providerDepartmentId === own);
  }

  private history(tx: EntityManager, ctx: RequestContext, objectionId: string, action: string, reason: string | null, details: Record<string, unknown>): Promise<void> {
    return appendHistory(tx, 'objection', ctx, objectionId, action, reason, details);
  }

  private async record(
    ctx: RequestContext,
    action: string,
    objectionId: string,
    dataset: DatasetDto,
    providerDepartment: string | null,
    event: Omit<Parameters<AuditService['record']>[1], 'action' | 'outcome' | 'target' | 'providerDepartment' | 'dataset'>,
  ): Promise<void> {
    await this.audit.record(ctx, { action, outcome: AuditOutcome.ALLOWED, target: `objection:${objectionId}`, dataset: dataset.code, providerDepartment, ...event });
  }

  private async toDtos(ctx: RequestContext, rows: ObjectionEntity[]): Promise<ObjectionDto[]> {
    const now = Date.now();
    const events = rows.length > 0 ? await this.db.getRepository(ObjectionEventEntity).createQueryBuilder('e').where('e.objection_id in (:...ids)', { ids: rows.map((row) => row.id) }).orderBy('e.id', 'ASC').getMany() : [];
    const historyOf = (id: string): ObjectionEventDto[] =>
      events.filter((event) => event.objectionId === id).map((event) => ({ at: event.at, principal: event.principal, department: event.departmentCode, action: event.action, reason: event.reason, details: event.details }));
    const code = async (id: string | null) => (id ? ((await this.departments.byId(id))?.code ?? null) : null);
    return Promise.all(
      rows.map(async (row) => {
        const dataset = await this.catalogue.findById(row.datasetId);
        // The public objector's contact is for the provider and the data bureau only.
        const seesContact = hasRole(ctx.principal, Role.ADMIN) || (!!ctx.principal.departmentId && ctx.principal.departmentId === row.providerDepartmentId);
        return {
          id: row.id,
          datasetCode: dataset?.code ?? '',
          providerDepartmentCode: (await code(row.providerDepartmentId)) ?? '',
          version: row.version,
          keyFields: row.keyFields.map((field) => field.name),
          records: row.recordKeys.map((tuple) => Object.fromEntries(row.keyFields.map((field, index) => [field.name, tuple[index]]))),
          fields: row.fields,
          evidence: row.evidence,
          objector: row.objectorKind === 'PUBLIC' ? 'PUBLIC' : ((await code(row.objectorDepartmentId)) ?? ''),
          contact: seesContact ? row.contact : null,
          status: row.status as ObjectionStatus,
          disputing: row.status === ObjectionStatus.OPEN || row.status === ObjectionStatus.CONFIRMED,
          createdAt: row.createdAt,
          deadline: row.deadline,
          overdue: row.status === ObjectionStatus.OPEN && now > row.deadline.getTime(),
          answeredAt: row.answeredAt,
          answeredInTime: row.answeredAt ? row.answeredAt.getTime() <= row.deadline.getTime() : null,
          correctedInVersion: row.correctedInVersion,
          reason: row.reason,
          resolvedAt: row.resolvedAt,
          receipt: null,
          history: historyOf(row.id),
        };
      }),
    );
  }
}

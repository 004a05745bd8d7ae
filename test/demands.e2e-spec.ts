import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SharingType } from '@causeway/catalogue';
import { CalendarService, WorkingDayCalendar } from '@causeway/access';
import { Role } from '@causeway/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const DEMAND_FIELDS = `id status title fields requesterDepartmentCode providerDepartmentCode suggestedProviderDepartmentCode createdAt assignDeadline answerDeadline deadline overdue plannedBy datasetCode declineReason accessRequestId lastRemindedAt history { action principal department reason details }`;
const SUBMIT = `mutation($input: SubmitDemandInput!) { submitDemand(input: $input) { ${DEMAND_FIELDS} } }`;
const ASSIGN = `mutation($id: ID!, $input: AssignDemandInput!) { assignDemand(id: $id, input: $input) { ${DEMAND_FIELDS} } }`;
const ANSWER = `mutation($id: ID!, $input: AnswerDemandInput!) { answerDemand(id: $id, input: $input) { ${DEMAND_FIELDS} } }`;
const FROM_DEMAND = `mutation($id: ID!, $input: RequestAccessFromDemandInput) { requestAccessFromDemand(id: $id, input: $input) { id status datasetCode fields purpose legalBasis consumerDepartmentCode deadline } }`;
const DEMAND = `query($id: ID!) { demand(id: $id) { ${DEMAND_FIELDS} accessRequest { id status } } }`;
const DEMANDS = `query($filter: DemandFilter) { demands(filter: $filter) { totalCount nodes { id status overdue } } }`;
const OVERDUE = `{ overdueItems { kind id stage subject requesterDepartmentCode responsible deadline workingDaysOverdue lastRemindedAt } }`;
const REMIND = `mutation($id: ID!, $note: String) { remindDemand(id: $id, note: $note) { id lastRemindedAt history { action reason principal } } }`;

interface Demand {
  id: string;
  status: string;
  providerDepartmentCode: string | null;
  assignDeadline: string;
  answerDeadline: string | null;
  deadline: string | null;
  overdue: boolean;
  plannedBy: string | null;
  datasetCode: string | null;
  declineReason: string | null;
  accessRequestId: string | null;
  lastRemindedAt: string | null;
  history: { action: string; principal: string; department: string | null; reason: string | null; details: Record<string, unknown> }[];
}

const demandInput = (title: string) => ({
  title,
  description: '本市企业的食品经营许可证信息，含许可证号、经营者名称和有效期',
  fields: ['idCard', 'name', 'age', '许可证有效期'],
  purpose: '个税专项附加扣除核验',
  legalBasis: '《个人所得税法》',
  suggestedProvider: 'DG-AMR',
});

describe('demand list (需求清单) and working-day deadlines', () => {
  let gateway: TestGateway;
  let db: DataSource;
  let admin: string;
  let taxSteward: string;
  let taxSystem: string;
  let amrSteward: string;
  let psbSteward: string;

  const audited = async (target: string): Promise<string[]> =>
    ((await db.query(`select action from audit_event where target = $1 order by seq`, [target])) as { action: string }[]).map((row) => row.action);

  beforeAll(async () => {
    gateway = await TestGateway.start();
    db = gateway.app.get<DataSource>(getDataSourceToken() as string);
    admin = await gateway.person('GZ-DATA', 'admin@data.test', [Role.ADMIN]);
    taxSteward = await gateway.person('DG-TAX', 'steward@tax.test', [Role.STEWARD]);
    taxSystem = await gateway.client('DG-TAX', 'tax-system');
    amrSteward = await gateway.person('DG-AMR', 'steward@amr.test', [Role.STEWARD]);
    psbSteward = await gateway.person('DG-PSB', 'steward@psb.test', [Role.STEWARD]);
    await gateway.dataset(
      'DG-AMR',
      peopleRegister({
        code: 'AMR-LICENSEES',
        apiName: 'amrLicensees',
        sharingType: SharingType.CONDITIONAL,
        sharingCondition: '依法履职',
        fields: peopleRegister().fields.map((field) => ({ ...field, sharingType: field.sharingType === SharingType.NONE ? SharingType.NONE : SharingType.CONDITIONAL })),
      }),
    );
    await loadVersion(gateway, 'DG-AMR', 'AMR-LICENSEES', PEOPLE);
  });
  afterAll(() => gateway.close());

  it('runs the whole flow: submit → the data bureau assigns → the provider links a dataset → access requested from the demand in one step', async () => {
    const submitted = await gateway.gql<{ submitDemand: Demand }>(SUBMIT, { input: demandInput('食品经营许可证信息') }, taxSystem);
    expect(submitted.errors).toBeUndefined();
    const demand = submitted.data!.submitDemand;
    expect(demand).toMatchObject({ status: 'SUBMITTED', providerDepartmentCode: null, overdue: false, answerDeadline: null });
    expect(demand.deadline).toBe(demand.assignDeadline);
    expect(new Date(demand.assignDeadline).getTime()).toBeGreaterThan(Date.now() + 5 * 86_400_000);

    const assigned = await gateway.gql<{ assignDemand: Demand }>(ASSIGN, { id: demand.id, input: { provider: 'DG-AMR', note: '请市场监管局答复' } }, admin);
    expect(assigned.errors).toBeUndefined();
    expect(assigned.data!.assignDemand).toMatchObject({ status: 'ASSIGNED', providerDepartmentCode: 'DG-AMR' });
    expect(assigned.data!.assignDemand.deadline).toBe(assigned.data!.assignDemand.answerDeadline);
    expect(new Date(assigned.data!.assignDemand.answerDeadline!).getTime()).toBeGreaterThan(Date.now() + 10 * 86_400_000);

    const linked = await gateway.gql<{ answerDemand: Demand }>(ANSWER, { id: demand.id, input: { outcome: 'LINK', dataset: 'AMR-LICENSEES' } }, amrSteward);
    expect(linked.errors).toBeUndefined();
    expect(linked.data!.answerDemand).toMatchObject({ status: 'LINKED', datasetCode: 'AMR-LICENSEES', deadline: null, overdue: false });

    const requested = await gateway.gql<{ requestAccessFromDemand: { id: string; status: string; datasetCode: string; fields: string[]; purpose: string; legalBasis: string; consumerDepartmentCode: string } }>(
      FROM_DEMAND,
      { id: demand.id },
      taxSystem,
    );
    expect(requested.errors).toBeUndefined();
    // The demand's fields that the dataset has; its purpose and legal basis carry over.
    expect(requested.data!.requestAccessFromDemand).toMatchObject({
      status: 'PENDING',
      datasetCode: 'AMR-LICENSEES',
      fields: ['idCard', 'name', 'age'],
      purpose: '个税专项附加扣除核验',
      legalBasis: '《个人所得税法》',
      consumerDepartmentCode: 'DG-TAX',
    });

    const seen = await gateway.gql<{ demand: Demand & { accessRequest: { id: string; status: string } } }>(DEMAND, { id: demand.id }, taxSteward);
    expect(seen.data!.demand.accessRequest).toEqual({ id: requested.data!.requestAccessFromDemand.id, status: 'PENDING' });
    expect(seen.data!.demand.history.map((step) => step.action)).toEqual(['SUBMITTED', 'ASSIGNED', 'LINKED', 'ACCESS_REQUESTED']);
    expect(seen.data!.demand.history[1]).toMatchObject({ department: 'GZ-DATA', reason: '请市场监管局答复', details: { provider: 'DG-AMR' } });
    expect(await audited(`demand:${demand.id}`)).toEqual(['demand.submit', 'demand.assign', 'demand.answer', 'demand.request-access']);
  });

  it('only the data bureau assigns, only the assigned provider’s steward answers, and other departments never see the demand', async () => {
    const submitted = await gateway.gql<{ submitDemand: Demand }>(SUBMIT, { input: demandInput('机动车登记信息') }, taxSteward);
    const id = submitted.data!.submitDemand.id;

    const byRequester = await gateway.gql(ASSIGN, { id, input: { provider: 'DG-AMR' } }, taxSteward);
    expect(byRequester.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Before it is assigned, the department the requester suggested does not see it either.
    const early = await gateway.gql(ANSWER, { id, input: { outcome: 'DECLINE', reason: '不掌握' } }, amrSteward);
    expect(early.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    await gateway.gql(ASSIGN, { id, input: { provider: 'DG-AMR' } }, admin);
    const byOutsider = await gateway.gql(ANSWER, { id, input: { outcome: 'DECLINE', reason: '不掌握' } }, psbSteward);
    expect(byOutsider.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const byRequesterAnswer = await gateway.gql(ANSWER, { id, input: { outcome: 'DECLINE', reason: '不掌握' } }, taxSteward);
    expect(byRequesterAnswer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const outsiderRead = await gateway.gql(DEMAND, { id }, psbSteward);
    expect(outsiderRead.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const outsiderList = await gateway.gql<{ demands: { totalCount: number } }>(DEMANDS, {}, psbSteward);
    expect(outsiderList.data!.demands.totalCount).toBe(0);

    const requesterList = await gateway.gql<{ demands: { nodes: { id: string }[] } }>(DEMANDS, {}, taxSystem);
    expect(requesterList.data!.demands.nodes.map((node) => node.id)).toContain(id);
    const providerList = await gateway.gql<{ demands: { nodes: { id: string }[] } }>(DEMANDS, { filter: { status: 'ASSIGNED' } }, amrSteward);
    expect(providerList.data!.demands.nodes.map((node) => node.id)).toContain(id);

    // Linking a dataset of another department is refused with a clear message.
    const foreign = await gateway.gql(ANSWER, { id, input: { outcome: 'LINK', dataset: 'NO-SUCH-DATASET' } }, amrSteward);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(foreign.errors?.[0]?.message).toMatch(/^input\.dataset: NO-SUCH-DATASET is not a dataset of DG-AMR/);
    // Access cannot be requested before a dataset is linked.
    const tooEarly = await gateway.gql(FROM_DEMAND, { id }, taxSystem);
    expect(tooEarly.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('a decline needs a reason, and the requester sees it with the history', async () => {
    const submitted = await gateway.gql<{ submitDemand: Demand }>(SUBMIT, { input: demandInput('违法犯罪记录') }, taxSteward);
    const id = submitted.data!.submitDemand.id;
    await gateway.gql(ASSIGN, { id, input: { provider: 'DG-AMR' } }, admin);
    const bare = await gateway.gql(ANSWER, { id, input: { outcome: 'DECLINE' } }, amrSteward);
    expect(bare.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bare.errors?.[0]?.message).toMatch(/^input\.reason: is required to decline/);
    const past = await gateway.gql(ANSWER, { id, input: { outcome: 'PLAN', plannedBy: '2020-01-01' } }, amrSteward);
    expect(past.errors?.[0]?.message).toMatch(/^input\.plannedBy: 2020-01-01 is in the past/);

    const declined = await gateway.gql<{ answerDemand: Demand }>(ANSWER, { id, input: { outcome: 'DECLINE', reason: '本局不掌握该数据，建议向公安局提出' } }, amrSteward);
    expect(declined.data!.answerDemand).toMatchObject({ status: 'DECLINED', declineReason: '本局不掌握该数据，建议向公安局提出' });
    const seen = await gateway.gql<{ demand: Demand }>(DEMAND, { id }, taxSteward);
    expect(seen.data!.demand.status).toBe('DECLINED');
    expect(seen.data!.demand.history.at(-1)).toMatchObject({ action: 'DECLINED', department: 'DG-AMR', reason: '本局不掌握该数据，建议向公安局提出' });
    const again = await gateway.gql(ANSWER, { id, input: { outcome: 'LINK', dataset: 'AMR-LICENSEES' } }, amrSteward);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('a demand past its stage’s deadline is flagged, listed as overdue to the data bureau, and a reminder is recorded', async () => {
    const submitted = await gateway.gql<{ submitDemand: Demand }>(SUBMIT, { input: demandInput('出租汽车驾驶员信息') }, taxSteward);
    const id = submitted.data!.submitDemand.id;
    // Filed three weeks ago, its assignment deadline long past (dates set in the database, no waiting).
    await db.query(`update demand set created_at = now() - interval '21 days', assign_deadline = now() - interval '7 days' where id = $1`, [id]);

    const flagged = await gateway.gql<{ demand: Demand }>(DEMAND, { id }, taxSteward);
    expect(flagged.data!.demand.overdue).toBe(true);
    const overdueOnly = await gateway.gql<{ demands: { nodes: { id: string; overdue: boolean }[] } }>(DEMANDS, { filter: { overdue: true } }, admin);
    expect(overdueOnly.data!.demands.nodes).toEqual([{ id, status: 'SUBMITTED', overdue: true }]);

    const list = await gateway.gql<{ overdueItems: { kind: string; id: string; stage: string; responsible: string; requesterDepartmentCode: string; workingDaysOverdue: number }[] }>(OVERDUE, {}, admin);
    expect(list.errors).toBeUndefined();
    const item = list.data!.overdueItems.find((candidate) => candidate.id === id)!;
    expect(item).toMatchObject({ kind: 'DEMAND', stage: 'ASSIGN', responsible: 'platform', requesterDepartmentCode: 'DG-TAX' });
    expect(item.workingDaysOverdue).toBeGreaterThanOrEqual(3);
    // Another department's steward does not learn of it; a system client gets no overdue list.
    const outsider = await gateway.gql<{ overdueItems: { id: string }[] }>(OVERDUE, {}, psbSteward);
    expect(outsider.data!.overdueItems.map((candidate) => candidate.id)).not.toContain(id);
    const client = await gateway.gql(OVERDUE, {}, taxSystem);
    expect(client.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const reminded = await gateway.gql<{ remindDemand: Demand }>(REMIND, { id, note: '请尽快分派' }, taxSteward);
    expect(reminded.errors).toBeUndefined();
    expect(reminded.data!.remindDemand.lastRemindedAt).not.toBeNull();
    expect(reminded.data!.remindDemand.history.at(-1)).toMatchObject({ action: 'REMINDED', reason: '请尽快分派' });
    expect(await audited(`demand:${id}`)).toEqual(['demand.submit', 'demand.remind']);
    const outsiderRemind = await gateway.gql(REMIND, { id }, psbSteward);
    expect(outsiderRemind.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // Once assigned, the provider's answer deadline is the stage that can run late.
    await gateway.gql(ASSIGN, { id, input: { provider: 'DG-AMR' } }, admin);
    await db.query(`update demand set answer_deadline = now() - interval '1 day' where id = $1`, [id]);
    const late = await gateway.gql<{ overdueItems: { id: string; stage: string; responsible: string }[] }>(OVERDUE, {}, amrSteward);
    expect(late.data!.overdueItems.find((candidate) => candidate.id === id)).toMatchObject({ stage: 'ANSWER', responsible: 'DG-AMR' });
  });

  it('deadlines are counted on the calendar: holidays an administrator sets push new demand and access-request deadlines out', async () => {
    const years = await gateway.gql<{ calendarYears: { year: number; provisional: boolean }[] }>(`{ calendarYears { year provisional } }`, {}, taxSteward);
    const thisYear = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
    if (thisYear === 2026) expect(years.data!.calendarYears).toEqual([{ year: 2026, provisional: false }, { year: 2027, provisional: true }]);
    const days2026 = await gateway.gql<{ calendarDays: { date: string; kind: string }[] }>(`{ calendarDays(year: 2026) { date kind } }`, {}, taxSteward);
    if (thisYear === 2026) expect(days2026.data!.calendarDays).toContainEqual({ date: '2026-02-28', kind: 'WORKDAY' });

    const SET = `mutation($input: SetCalendarDayInput!) { setCalendarDay(input: $input) { date kind name } }`;
    const notAdmin = await gateway.gql(SET, { input: { date: '2030-01-02', kind: 'HOLIDAY', name: '测试' } }, taxSteward);
    expect(notAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badDate = await gateway.gql(SET, { input: { date: '2030-02-30', kind: 'HOLIDAY', name: '测试' } }, admin);
    expect(badDate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badDate.errors?.[0]?.message).toMatch(/^input\.date: must be a date as YYYY-MM-DD/);

    // The next seven days (China time) become holidays: a deadline of five working days moves past them.
    const today = Math.floor((Date.now() + 8 * 3_600_000) / 86_400_000);
    const added: string[] = [];
    for (let day = today + 1; day <= today + 7; day += 1) {
      const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
      const set = await gateway.gql(SET, { input: { date, kind: 'HOLIDAY', name: '测试假日' } }, admin);
      expect(set.errors).toBeUndefined();
      added.push(date);
    }
    const all = [...((await db.query(`select to_char(day, 'YYYY-MM-DD') as date, kind from calendar_day`)) as { date: string; kind: 'HOLIDAY' | 'WORKDAY' }[])];
    const submitted = await gateway.gql<{ submitDemand: Demand }>(SUBMIT, { input: demandInput('假期中提交的需求') }, taxSteward);
    const deadline = new Date(submitted.data!.submitDemand.assignDeadline);
    const filed = new Date((await db.query(`select created_at from demand where id = $1`, [submitted.data!.submitDemand.id]))[0].created_at as string);
    expect(deadline.toISOString()).toBe(new WorkingDayCalendar(all).addWorkingDays(filed, 5).toISOString());
    expect(deadline.getTime()).toBeGreaterThan(new WorkingDayCalendar().addWorkingDays(filed, 5).getTime());
    expect(deadline.getTime()).toBeGreaterThan(Date.now() + 7 * 86_400_000);

    // An access request filed now is counted on the same calendar.
    const request = await gateway.gql<{ requestAccess: { deadline: string } }>(
      `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { deadline } }`,
      { input: { dataset: 'AMR-LICENSEES', fields: ['age'], purpose: '统计' } },
      psbSteward,
    );
    expect(request.errors).toBeUndefined();
    expect(new Date(request.data!.requestAccess.deadline).getTime()).toBeGreaterThan(new WorkingDayCalendar().addWorkingDays(new Date(), 10).getTime());

    const removed = await gateway.gql<{ removeCalendarDay: { date: string } }>(`mutation($date: String!) { removeCalendarDay(date: $date) { date } }`, { date: added[0] }, admin);
    expect(removed.data!.removeCalendarDay.date).toBe(added[0]);
    const calendarAudit = (await db.query(`select action from audit_event where target = $1 order by seq`, [`calendar:${added[0]}`])) as { action: string }[];
    expect(calendarAudit.map((row) => row.action)).toEqual(['calendar.set', 'calendar.remove']);
  });

  it('a pending access request past its deadline is on the overdue list, and a reminder is kept in its history and the audit trail', async () => {
    const hrssSteward = await gateway.person('DG-HRSS', 'steward@hrss.test', [Role.STEWARD]);
    const filed = await gateway.gql<{ requestAccess: { id: string } }>(
      `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }`,
      { input: { dataset: 'AMR-LICENSEES', fields: ['name'], purpose: '核验' } },
      hrssSteward,
    );
    expect(filed.errors).toBeUndefined();
    const id = filed.data!.requestAccess.id;
    await db.query(`update access_request set created_at = now() - interval '30 days', deadline = now() - interval '10 days' where id = $1`, [id]);
    const list = await gateway.gql<{ overdueItems: { kind: string; id: string; stage: string; responsible: string; subject: string }[] }>(OVERDUE, {}, amrSteward);
    expect(list.data!.overdueItems.find((item) => item.id === id)).toMatchObject({ kind: 'ACCESS_REQUEST', stage: 'ANSWER', responsible: 'DG-AMR', subject: 'AMR-LICENSEES' });

    const REMIND_REQUEST = `mutation($id: ID!, $note: String) { remindAccessRequest(id: $id, note: $note) { id lastRemindedAt history { action reason } } }`;
    const byOutsider = await gateway.gql(REMIND_REQUEST, { id }, psbSteward);
    expect(byOutsider.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const byProvider = await gateway.gql(REMIND_REQUEST, { id }, amrSteward);
    expect(byProvider.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const reminded = await gateway.gql<{ remindAccessRequest: { lastRemindedAt: string | null; history: { action: string; reason: string | null }[] } }>(REMIND_REQUEST, { id, note: '已逾期，请答复' }, admin);
    expect(reminded.errors).toBeUndefined();
    expect(reminded.data!.remindAccessRequest.lastRemindedAt).not.toBeNull();
    expect(reminded.data!.remindAccessRequest.history.map((step) => step.action)).toEqual(['REQUESTED', 'REMINDED']);
    expect(await audited(`access-request:${id}`)).toEqual(['access.request', 'access.remind']);
  });

  it('loads a missing year from the shipped file at start, and never reloads a year that is present', async () => {
    const calendar = gateway.get(CalendarService);
    const now = new Date('2026-07-01T12:00:00+08:00');
    expect(await calendar.loadShippedYears(now)).toEqual([]);
    await db.query(`delete from calendar_day where day >= '2027-01-01' and day < '2028-01-01'`);
    await db.query(`delete from calendar_year where year = 2027`);
    expect(await calendar.loadShippedYears(now)).toEqual([2027]);
    expect((await calendar.days(2027)).map((day) => day.date)).toEqual(['2027-01-01', '2027-05-01', '2027-05-02', '2027-10-01', '2027-10-02', '2027-10-03']);
    expect((await calendar.years()).find((year) => year.year === 2027)).toMatchObject({ provisional: true });
    // An administrator's removal of a day is not undone by the next start.
    await db.query(`delete from calendar_day where day = '2027-05-02'`);
    expect(await calendar.loadShippedYears(now)).toEqual([]);
    expect((await calendar.days(2027)).map((day) => day.date)).not.toContain('2027-05-02');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SharingType } from '@causeway/catalogue';
import { Role } from '@causeway/core';
import { DepartmentsService } from '@causeway/identity';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const REQUEST = `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id status fields deadline overdue waitingWorkingDays datasetCode consumerDepartmentCode providerDepartmentCode } }`;
const APPROVE = `mutation($id: ID!, $input: ApproveAccessRequestInput) { approveAccessRequest(id: $id, input: $input) { id status grant { id status fields { field access } rowScope validUntil } history { action principal reason } } }`;
const REJECT = `mutation($id: ID!, $reason: String!) { rejectAccessRequest(id: $id, reason: $reason) { id status decisionReason history { action reason } } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawAccessRequest(id: $id) { id status } }`;
const REVOKE = `mutation($id: ID!, $reason: String!) { revokeGrant(id: $id, reason: $reason) { id status revokedBy revokeReason } }`;
const RECORDS = `query($fields: [String!]!) { records(dataset: "PSB-COND", fields: $fields) { nodes totalCount } }`;

const conditional = peopleRegister({
  code: 'PSB-COND',
  apiName: 'peopleCond',
  sharingType: SharingType.CONDITIONAL,
  sharingCondition: '用于依法履职的身份核验',
  fields: peopleRegister().fields.map((field) => ({ ...field, sharingType: field.sharingType === SharingType.NONE ? SharingType.NONE : SharingType.CONDITIONAL })),
});

describe('access requests and grants (有条件共享)', () => {
  let gateway: TestGateway;
  let psbSteward: string;
  let taxSteward: string;
  let taxSystem: string;
  let hrssSteward: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    psbSteward = await gateway.person('DG-PSB', 'steward@psb.test', [Role.STEWARD]);
    // The consumer department sits in district 440106 (天河区): its row scope follows from that.
    await gateway.get(DepartmentsService).create(null, { code: 'DG-TAX', name: '税务局', divisionCode: '440106' });
    taxSteward = await gateway.person('DG-TAX', 'steward@tax.test', [Role.STEWARD]);
    taxSystem = await gateway.client('DG-TAX', 'tax-system');
    hrssSteward = await gateway.person('DG-HRSS', 'steward@hrss.test', [Role.STEWARD]);
    await gateway.dataset('DG-PSB', conditional);
    await loadVersion(gateway, 'DG-PSB', 'PSB-COND', PEOPLE);
  });
  afterAll(() => gateway.close());

  it('runs the whole workflow: discover, request, approve with a mask and a row scope, read exactly the granted view', async () => {
    const discovered = await gateway.gql<{ datasets: { nodes: { code: string; sharingType: string; myAccess: { fields: { access: string }[] } }[] } }>(
      `{ datasets(filter: { sharingType: CONDITIONAL }) { nodes { code sharingType myAccess { fields { access } } } } }`,
      {},
      taxSystem,
    );
    const entry = discovered.data!.datasets.nodes.find((node) => node.code === 'PSB-COND')!;
    expect(entry.myAccess.fields.every((field) => field.access === 'DENIED')).toBe(true);

    const requested = await gateway.gql<{ requestAccess: { id: string; status: string; deadline: string; overdue: boolean; waitingWorkingDays: number } }>(
      REQUEST,
      { input: { dataset: 'PSB-COND', fields: ['idCard', 'name', 'age', 'district'], purpose: '个税专项附加扣除核验', useScope: '本局征管系统', legalBasis: '《个人所得税法》' } },
      taxSystem,
    );
    expect(requested.errors).toBeUndefined();
    expect(requested.data!.requestAccess).toMatchObject({ status: 'PENDING', overdue: false, waitingWorkingDays: 0 });
    expect(new Date(requested.data!.requestAccess.deadline).getTime()).toBeGreaterThan(Date.now() + 10 * 86_400_000);
    const id = requested.data!.requestAccess.id;

    const waiting = await gateway.gql<{ accessRequests: { totalCount: number; nodes: { id: string }[] } }>(`{ accessRequests(filter: { status: PENDING }) { totalCount nodes { id } } }`, {}, psbSteward);
    expect(waiting.data!.accessRequests.nodes.map((node) => node.id)).toContain(id);

    const approved = await gateway.gql<{ approveAccessRequest: { status: string; grant: { id: string; fields: { field: string; access: string }[]; rowScope: unknown } } }>(
      APPROVE,
      { id, input: { fields: ['idCard', 'name', 'age'], masked: ['idCard', 'name'], rowScope: { district: { eq: { $consumer: 'divisionCode' } } } } },
      psbSteward,
    );
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveAccessRequest.status).toBe('APPROVED');
    expect(approved.data!.approveAccessRequest.grant.fields).toEqual([
      { field: 'idCard', access: 'MASKED' },
      { field: 'name', access: 'MASKED' },
      { field: 'age', access: 'CLEAR' },
    ]);

    const rows = await gateway.gql<{ records: { nodes: unknown[]; totalCount: number } }>(RECORDS, { fields: ['idCard', 'name', 'age'] }, taxSystem);
    expect(rows.errors).toBeUndefined();
    expect(rows.data!.records).toEqual({
      totalCount: 2,
      nodes: [
        { idCard: '4401**********1234', name: '张*', age: 36 },
        { idCard: '4401**********3456', name: '李*', age: 41 },
      ],
    });
    const narrowedOut = await gateway.gql(RECORDS, { fields: ['district'] }, taxSystem);
    expect(narrowedOut.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN_FIELDS', fields: ['district'] });

    const revoked = await gateway.gql<{ revokeGrant: { status: string; revokeReason: string } }>(REVOKE, { id: approved.data!.approveAccessRequest.grant.id, reason: '核验事项已办结' }, psbSteward);
    expect(revoked.data!.revokeGrant).toMatchObject({ status: 'REVOKED', revokeReason: '核验事项已办结' });
    const afterRevoke = await gateway.gql(RECORDS, { fields: ['age'] }, taxSystem);
    expect(afterRevoke.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');

    const history = await gateway.gql<{ accessRequest: { history: { action: string }[] } }>(`query($id: ID!) { accessRequest(id: $id) { history { action } } }`, { id }, taxSteward);
    expect(history.data!.accessRequest.history.map((step) => step.action)).toEqual(['REQUESTED', 'APPROVED', 'GRANT_REVOKED']);
  });

  it('never grants more than the dataset allows: no SECRET field, no field outside it, only a narrowing', async () => {
    const secret = await gateway.gql(REQUEST, { input: { dataset: 'PSB-COND', fields: ['phone'], purpose: 'x' } }, hrssSteward);
    expect(secret.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(secret.errors?.[0]?.message).toMatch(/phone/);
    const unknown = await gateway.gql(REQUEST, { input: { dataset: 'PSB-COND', fields: ['salary'], purpose: 'x' } }, hrssSteward);
    expect(unknown.errors?.[0]?.message).toMatch(/salary is not a field/);

    const requested = await gateway.gql<{ requestAccess: { id: string } }>(REQUEST, { input: { dataset: 'PSB-COND', fields: ['age'], purpose: '就业补贴审核' } }, hrssSteward);
    const id = requested.data!.requestAccess.id;
    const widened = await gateway.gql(APPROVE, { id, input: { fields: ['age', 'income'] } }, psbSteward);
    expect(widened.errors?.[0]?.message).toMatch(/income was not requested/);
    const badScope = await gateway.gql(APPROVE, { id, input: { rowScope: { phone: { eq: '1' }, nope: { eq: 1 } } } }, psbSteward);
    expect(badScope.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const byConsumer = await gateway.gql(APPROVE, { id }, hrssSteward);
    expect(byConsumer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stillPending = await gateway.gql<{ accessRequest: { status: string } }>(`query($id: ID!) { accessRequest(id: $id) { status } }`, { id }, hrssSteward);
    expect(stillPending.data!.accessRequest.status).toBe('PENDING');
  });

  it('refuses a NONE dataset outright', async () => {
    await gateway.dataset('DG-PSB', peopleRegister({ code: 'PSB-SECRET', apiName: 'psbSecret', sharingType: SharingType.NONE, sharingBasis: '法律规定', fields: peopleRegister().fields.map((field) => ({ ...field, sharingType: SharingType.NONE })) }));
    await loadVersion(gateway, 'DG-PSB', 'PSB-SECRET', PEOPLE);
    const answer = await gateway.gql(REQUEST, { input: { dataset: 'PSB-SECRET', fields: ['age'], purpose: 'x' } }, taxSteward);
    expect(answer.errors?.[0]?.message).toMatch(/NONE/);
  });

  it('requires a reason to reject, and lets the requester withdraw', async () => {
    const first = await gateway.gql<{ requestAccess: { id: string } }>(REQUEST, { input: { dataset: 'PSB-COND', fields: ['district'], purpose: '统计' } }, taxSteward);
    const id = first.data!.requestAccess.id;
    const duplicate = await gateway.gql(REQUEST, { input: { dataset: 'PSB-COND', fields: ['age'], purpose: '统计' } }, taxSteward);
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const noReason = await gateway.gql(REJECT, { id, reason: '  ' }, psbSteward);
    expect(noReason.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const rejected = await gateway.gql<{ rejectAccessRequest: { status: string; decisionReason: string } }>(REJECT, { id, reason: '用途与共享条件不符' }, psbSteward);
    expect(rejected.data!.rejectAccessRequest).toMatchObject({ status: 'REJECTED', decisionReason: '用途与共享条件不符' });

    const second = await gateway.gql<{ requestAccess: { id: string } }>(REQUEST, { input: { dataset: 'PSB-COND', fields: ['district'], purpose: '统计' } }, taxSteward);
    const notMine = await gateway.gql(WITHDRAW, { id: second.data!.requestAccess.id }, hrssSteward);
    expect(notMine.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const withdrawn = await gateway.gql<{ withdrawAccessRequest: { status: string } }>(WITHDRAW, { id: second.data!.requestAccess.id }, taxSystem);
    expect(withdrawn.data!.withdrawAccessRequest.status).toBe('WITHDRAWN');
    const again = await gateway.gql(APPROVE, { id: second.data!.requestAccess.id }, psbSteward);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('flags requests past their answer deadline', async () => {
    const filed = await gateway.gql<{ requestAccess: { id: string } }>(REQUEST, { input: { dataset: 'PSB-COND', fields: ['age'], purpose: '统计' } }, taxSteward);
    const id = filed.data!.requestAccess.id;
    // Filed three weeks ago: fifteen working days, past the ten allowed.
    await gateway.app.get<DataSource>(getDataSourceToken() as string).query(`update access_request set created_at = now() - interval '21 days', deadline = now() - interval '7 days' where id = $1`, [id]);
    const overdue = await gateway.gql<{ accessRequests: { nodes: { id: string; overdue: boolean; waitingWorkingDays: number }[] } }>(`{ accessRequests(filter: { overdue: true }) { nodes { id overdue waitingWorkingDays } } }`, {}, psbSteward);
    const node = overdue.data!.accessRequests.nodes.find((candidate) => candidate.id === id)!;
    expect(node.overdue).toBe(true);
    expect(node.waitingWorkingDays).toBeGreaterThanOrEqual(14);
  });

  it('lists grants to both sides and nobody else', async () => {
    const mine = await gateway.gql<{ grants: { consumerDepartmentCode: string; datasetCode: string; status: string }[] }>(`{ grants { consumerDepartmentCode datasetCode status } }`, {}, taxSteward);
    expect(mine.data!.grants).toEqual([{ consumerDepartmentCode: 'DG-TAX', datasetCode: 'PSB-COND', status: 'REVOKED' }]);
    const provider = await gateway.gql<{ grants: unknown[] }>(`{ grants(filter: { dataset: "PSB-COND" }) { id } }`, {}, psbSteward);
    expect(provider.data!.grants).toHaveLength(1);
    const outsider = await gateway.gql<{ grants: unknown[] }>(`{ grants { id } }`, {}, hrssSteward);
    expect(outsider.data!.grants).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FieldType, MaskType, OpenType, Sensitivity, SharingType, UpdateCycle } from '@causeway/catalogue';
import { Role } from '@causeway/core';
import { DepartmentsService } from '@causeway/identity';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const FLOW_FIELDS = `id status datasetCode providerDepartmentCode divisionField fields masked consumerDepartmentCodes purpose legalBasis revokedBy revokeReason
  grants { id status consumerDepartmentCode rowScope fields { field access } }`;
const CREATE = `mutation($input: CreateReturnFlowInput!) { createReturnFlow(input: $input) { ${FLOW_FIELDS} } }`;
const REVOKE = `mutation($id: ID!, $reason: String!) { revokeReturnFlow(id: $id, reason: $reason) { ${FLOW_FIELDS} } }`;
const FLOWS = `{ returnFlows { ${FLOW_FIELDS} } }`;
const FLOW = `query($id: ID!) { returnFlow(id: $id) { ${FLOW_FIELDS} } }`;
const RECORDS = `{ records(dataset: "CIVIL-RELIEF", fields: ["recordId", "name", "district", "idCard", "amount"], first: 100) { totalCount nodes } }`;
const RECORDS_OF = `query($district: String!) { records(dataset: "CIVIL-RELIEF", fields: ["recordId", "district"], where: { district: { eq: $district } }) { totalCount nodes } }`;
const TYPED = `{ civilRelief(first: 100) { totalCount nodes { recordId name district idCard amount } } }`;
const AGGREGATE = `{ aggregate(dataset: "CIVIL-RELIEF", groupBy: ["district"], metrics: [{ fn: SUM, field: "amount" }]) { groups { key count metrics { value } } suppressedGroups } }`;

interface Flow {
  id: string;
  status: string;
  consumerDepartmentCodes: string[];
  grants: { id: string; status: string; consumerDepartmentCode: string; rowScope: unknown; fields: { field: string; access: string }[] }[];
  revokeReason: string | null;
}

/** Three districts receive; a fourth district's rows exist but nobody below the city receives them. */
const DISTRICTS = [
  { code: 'TH-CIVIL', division: '440106', name: '天河区民政局' },
  { code: 'YX-CIVIL', division: '440104', name: '越秀区民政局' },
  { code: 'HZ-CIVIL', division: '440105', name: '海珠区民政局' },
];
const UNRECEIVED_DIVISION = '440111';
const ROWS_PER_DISTRICT = 6;

/** Every cell that could leak carries its division, so any foreign row shows in the raw response. */
const canary = (division: string, index: number) => `CANARY-${division}-${index}`;

describe('return flow (数据回流): a city department returns each district its own rows', () => {
  let gateway: TestGateway;
  let db: DataSource;
  let citySteward: string;
  let districtSteward: string;
  const districtKeys = new Map<string, string>();
  let flowId: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    db = gateway.app.get<DataSource>(getDataSourceToken() as string);
    const departments = gateway.get(DepartmentsService);
    await departments.create(null, { code: 'DG-CIVIL', name: '广州市民政局', divisionCode: '440100' });
    await departments.create(null, { code: 'DG-OTHER', name: '广州市另一局', divisionCode: '440100' });
    await departments.create(null, { code: 'SZ-CIVIL', name: '深圳市民政局', divisionCode: '440300' });
    await departments.create(null, { code: 'SZ-FT-CIVIL', name: '深圳市福田区民政局', divisionCode: '440304' });
    for (const district of DISTRICTS) await departments.create(null, { code: district.code, name: district.name, parentCode: 'DG-CIVIL', divisionCode: district.division });
    citySteward = await gateway.person('DG-CIVIL', 'steward@civil.test', [Role.STEWARD]);
    districtSteward = await gateway.person('TH-CIVIL', 'steward@th-civil.test', [Role.STEWARD]);
    for (const district of DISTRICTS) districtKeys.set(district.code, await gateway.client(district.code, `${district.code.toLowerCase()}-system`));

    await gateway.dataset('DG-CIVIL', {
      code: 'CIVIL-RELIEF',
      apiName: 'civilRelief',
      title: '低保救助对象',
      summary: '全市低保救助对象名单（测试）',
      category: '主题',
      updateCycle: UpdateCycle.MONTHLY,
      sharingType: SharingType.CONDITIONAL,
      sharingCondition: '依法履职',
      sharingBasis: '《社会救助暂行办法》',
      openType: OpenType.CLOSED,
      fields: [
        { name: 'recordId', title: '编号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.INTERNAL },
        { name: 'name', title: '姓名', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL },
        { name: 'district', title: '区划', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL },
        { name: 'idCard', title: '身份证号', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.ID_CARD },
        { name: 'amount', title: '救助金额', type: FieldType.INTEGER, sensitivity: Sensitivity.INTERNAL },
        { name: 'caseNote', title: '个案记录', type: FieldType.STRING, sensitivity: Sensitivity.SECRET, sharingType: SharingType.NONE },
      ],
    });
    const rows = [...DISTRICTS.map((district) => district.division), UNRECEIVED_DIVISION].flatMap((division) =>
      Array.from({ length: ROWS_PER_DISTRICT }, (_, index) => ({
        recordId: canary(division, index),
        name: `${canary(division, index)}-name`,
        district: division,
        idCard: `${division}19900101${String(index).padStart(4, '0')}`,
        amount: 100 + index,
        caseNote: `${canary(division, index)}-secret`,
      })),
    );
    await loadVersion(gateway, 'DG-CIVIL', 'CIVIL-RELIEF', rows);
  });
  afterAll(() => gateway.close());

  const input = (overrides: Record<string, unknown> = {}) => ({
    dataset: 'CIVIL-RELIEF',
    fields: ['recordId', 'name', 'district', 'idCard', 'amount'],
    masked: ['idCard'],
    divisionField: 'district',
    consumers: DISTRICTS.map((district) => district.code),
    purpose: '各区低保复核',
    legalBasis: '《社会救助暂行办法》',
    ...overrides,
  });

  it('only the provider’s steward creates a return flow, only to departments below its division, with clear errors', async () => {
    const byDistrict = await gateway.gql(CREATE, { input: input() }, districtSteward);
    expect(byDistrict.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const sameLevel = await gateway.gql(CREATE, { input: input({ consumers: ['TH-CIVIL', 'DG-OTHER', 'SZ-FT-CIVIL', 'NO-SUCH'] }) }, citySteward);
    expect(sameLevel.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const problems = sameLevel.errors![0]!.extensions!.problems as { field: string; message: string }[];
    expect(problems.map((problem) => problem.field)).toEqual(['input.consumers[1]', 'input.consumers[2]', 'input.consumers[3]']);
    expect(problems[0]!.message).toMatch(/not below/);

    const both = await gateway.gql(CREATE, { input: input({ consumersUnder: 'DG-CIVIL' }) }, citySteward);
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const secret = await gateway.gql(CREATE, { input: input({ fields: ['recordId', 'caseNote'], masked: [] }) }, citySteward);
    expect(secret.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const notText = await gateway.gql(CREATE, { input: input({ divisionField: 'amount' }) }, citySteward);
    expect(notText.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Nothing was half-created by the refusals.
    expect(((await db.query('select count(*)::int as n from return_flow')) as { n: number }[])[0]!.n).toBe(0);
    expect(((await db.query('select count(*)::int as n from access_grant')) as { n: number }[])[0]!.n).toBe(0);
  });

  it('grants three districts their own rows only: no district sees another’s rows through records, the typed field or aggregate', async () => {
    const created = await gateway.gql<{ createReturnFlow: Flow }>(CREATE, { input: input({ consumers: undefined, consumersUnder: 'DG-CIVIL' }) }, citySteward);
    expect(created.errors).toBeUndefined();
    const flow = created.data!.createReturnFlow;
    flowId = flow.id;
    expect(flow).toMatchObject({ status: 'ACTIVE', consumerDepartmentCodes: ['HZ-CIVIL', 'TH-CIVIL', 'YX-CIVIL'] });
    expect(flow.grants).toHaveLength(3);
    for (const grant of flow.grants) {
      expect(grant).toMatchObject({ status: 'ACTIVE', rowScope: { district: { eq: { $consumer: 'divisionCode' } } } });
      expect(grant.fields).toContainEqual({ field: 'idCard', access: 'MASKED' });
    }

    for (const district of DISTRICTS) {
      const key = districtKeys.get(district.code)!;
      const foreign = [...DISTRICTS.map((other) => other.division), UNRECEIVED_DIVISION].filter((division) => division !== district.division);
      const leaks = (body: unknown) => foreign.filter((division) => JSON.stringify(body).includes(`CANARY-${division}`) || JSON.stringify(body).includes(`"${division}"`));

      const records = await gateway.gql<{ records: { totalCount: number; nodes: Record<string, unknown>[] } }>(RECORDS, {}, key);
      expect(records.errors).toBeUndefined();
      expect(records.data!.records.totalCount).toBe(ROWS_PER_DISTRICT);
      expect(records.data!.records.nodes.every((row) => row.district === district.division && String(row.recordId).startsWith(`CANARY-${district.division}-`))).toBe(true);
      expect(records.data!.records.nodes.every((row) => /^\d{4}\*+\d{4}$/.test(String(row.idCard)))).toBe(true);
      expect(leaks(records)).toEqual([]);

      const typed = await gateway.gql<{ civilRelief: { totalCount: number; nodes: Record<string, unknown>[] } }>(TYPED, {}, key);
      expect(typed.errors).toBeUndefined();
      expect(typed.data!.civilRelief.totalCount).toBe(ROWS_PER_DISTRICT);
      expect(leaks(typed)).toEqual([]);

      const aggregate = await gateway.gql<{ aggregate: { groups: { key: Record<string, unknown>; count: number }[] } }>(AGGREGATE, {}, key);
      expect(aggregate.errors).toBeUndefined();
      expect(aggregate.data!.aggregate.groups).toEqual([expect.objectContaining({ key: { district: district.division }, count: ROWS_PER_DISTRICT })]);
      expect(leaks(aggregate)).toEqual([]);

      // Asking for a neighbour's rows by name finds none.
      for (const division of foreign) {
        const asked = await gateway.gql<{ records: { totalCount: number } }>(RECORDS_OF, { district: division }, key);
        expect(asked.data!.records.totalCount).toBe(0);
      }
    }

    const audited = (await db.query(`select action, grant_ids from audit_event where target = $1 order by seq`, [`return-flow:${flowId}`])) as { action: string; grant_ids: string[] }[];
    expect(audited).toEqual([{ action: 'returnflow.create', grant_ids: expect.arrayContaining(flow.grants.map((grant) => grant.id)) }]);
  });

  it('lists the agreement: the provider sees every grant, a district only its own', async () => {
    const provider = await gateway.gql<{ returnFlows: Flow[] }>(FLOWS, {}, citySteward);
    expect(provider.data!.returnFlows.map((flow) => [flow.id, flow.grants.length])).toEqual([[flowId, 3]]);
    const district = await gateway.gql<{ returnFlow: Flow }>(FLOW, { id: flowId }, districtSteward);
    expect(district.data!.returnFlow.grants.map((grant) => grant.consumerDepartmentCode)).toEqual(['TH-CIVIL']);
    const stranger = await gateway.gql(FLOW, { id: flowId }, await gateway.person('DG-OTHER', 'steward@other.test', [Role.STEWARD]));
    expect(stranger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('is revoked as one act: every grant ends at once and no district reads a row any more', async () => {
    const byDistrict = await gateway.gql(REVOKE, { id: flowId, reason: '复核结束' }, districtSteward);
    expect(byDistrict.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const revoked = await gateway.gql<{ revokeReturnFlow: Flow }>(REVOKE, { id: flowId, reason: '复核结束' }, citySteward);
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data!.revokeReturnFlow).toMatchObject({ status: 'REVOKED', revokeReason: '复核结束' });
    expect(revoked.data!.revokeReturnFlow.grants.map((grant) => grant.status)).toEqual(['REVOKED', 'REVOKED', 'REVOKED']);

    for (const district of DISTRICTS) {
      const records = await gateway.gql(RECORDS, {}, districtKeys.get(district.code)!);
      expect(JSON.stringify(records)).not.toContain('CANARY-');
      expect(records.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');
    }
    const again = await gateway.gql(REVOKE, { id: flowId, reason: '再次' }, citySteward);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const audited = (await db.query(`select action from audit_event where target = $1 order by seq`, [`return-flow:${flowId}`])) as { action: string }[];
    expect(audited.map((row) => row.action)).toEqual(['returnflow.create', 'returnflow.revoke']);
  });
});

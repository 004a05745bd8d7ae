import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FieldType, MaskType, OpenType, Sensitivity, SharingType, UpdateCycle, type RegisterDatasetInput } from '@causeway/catalogue';
import { Role } from '@causeway/core';
import { TestGateway } from './support/gateway.js';

const REGISTER = `mutation($input: RegisterDatasetInput!) { registerDataset(input: $input) { code apiName status providerDepartment { code } fields { name sharingType } } }`;

function enterpriseRegistry(overrides: Partial<RegisterDatasetInput> = {}): RegisterDatasetInput {
  return {
    code: 'AMR-ENT-REG',
    apiName: 'enterpriseRegistry',
    title: '企业登记信息',
    titleEn: 'Enterprise Registration',
    summary: '全市市场主体登记注册信息',
    category: '基础',
    keywords: ['企业', '法人'],
    updateCycle: UpdateCycle.DAILY,
    sharingType: SharingType.UNCONDITIONAL,
    openType: OpenType.OPEN,
    fields: [
      { name: 'creditCode', title: '统一社会信用代码', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
      { name: 'entName', title: '企业名称', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
      { name: 'legalRepIdCard', title: '法定代表人身份证号', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.ID_CARD },
    ],
    ...overrides,
  };
}

describe('catalogue: registering and finding datasets', () => {
  let gateway: TestGateway;
  let amrSteward: string;
  let taxSteward: string;
  let taxSystem: string;
  let admin: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    amrSteward = await gateway.person('DG-AMR', 'steward@amr.test', [Role.STEWARD]);
    taxSteward = await gateway.person('DG-TAX', 'steward@tax.test', [Role.STEWARD]);
    taxSystem = await gateway.client('DG-TAX', 'tax-system');
    admin = await gateway.person('GZ-DATA', 'admin@data.test', [Role.ADMIN]);
    const registered = await gateway.gql(REGISTER, { input: enterpriseRegistry() }, amrSteward);
    expect(registered.errors).toBeUndefined();
    await gateway.gql(
      REGISTER,
      {
        input: enterpriseRegistry({
          code: 'AMR-PENALTY',
          apiName: undefined,
          title: '行政处罚信息',
          titleEn: 'Administrative Penalties',
          summary: '市场监管行政处罚决定',
          keywords: ['处罚', 'credit'],
          category: '主题',
        }),
      },
      amrSteward,
    );
    await gateway.gql(
      REGISTER,
      {
        input: enterpriseRegistry({
          code: 'TAX-PAY',
          apiName: 'taxPayments',
          title: '企业纳税信息',
          titleEn: 'Tax Payments',
          summary: '企业按月纳税记录',
          keywords: [],
          sharingType: SharingType.CONDITIONAL,
          sharingCondition: '用于补贴审核',
          sharingBasis: '《税收征收管理法》第八条',
          openType: OpenType.CLOSED,
        }),
      },
      taxSteward,
    );
  });
  afterAll(() => gateway.close());

  it('registers a dataset for the steward’s own department as a draft with a derived API name', async () => {
    const result = await gateway.gql<{ dataset: { status: string; apiName: string; providerDepartment: { code: string }; fields: { name: string; sharingType: string }[] } }>(
      '{ dataset(code: "AMR-PENALTY") { status apiName providerDepartment { code } fields { name sharingType } } }',
      {},
      amrSteward,
    );
    expect(result.data?.dataset).toMatchObject({ status: 'DRAFT', apiName: 'amrPenalty', providerDepartment: { code: 'DG-AMR' } });
    expect(result.data?.dataset.fields[0]).toEqual({ name: 'creditCode', sharingType: 'UNCONDITIONAL' });
  });

  it('refuses a CONDITIONAL dataset without a sharing condition, naming the field and what to send', async () => {
    const result = await gateway.gql(REGISTER, { input: enterpriseRegistry({ code: 'AMR-X', apiName: 'amrX', sharingType: SharingType.CONDITIONAL }) }, amrSteward);
    const error = result.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toContain('input.sharingCondition: is required for CONDITIONAL sharing');
    expect(error?.message).toContain('input.sharingBasis');
  });

  it('refuses bad fields with the path of each problem', async () => {
    const result = await gateway.gql(
      REGISTER,
      {
        input: enterpriseRegistry({
          code: 'AMR-Y',
          apiName: 'amrY',
          fields: [
            { name: 'Bad Name', title: 'x', type: FieldType.STRING },
            { name: 'ok', title: '身份证', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE },
          ],
        }),
      },
      amrSteward,
    );
    expect(result.errors?.[0]?.message).toContain('input.fields[0].name');
    const second = await gateway.gql(
      REGISTER,
      { input: enterpriseRegistry({ code: 'AMR-Z', apiName: 'amrZ', fields: [{ name: 'idCard', title: '身份证', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE }] }) },
      amrSteward,
    );
    expect(second.errors?.[0]?.message).toContain('input.fields[0].mask');
  });

  it('refuses a field looser than its dataset', async () => {
    const result = await gateway.gql(
      REGISTER,
      {
        input: enterpriseRegistry({
          code: 'TAX-LOOSE',
          apiName: 'taxLoose',
          sharingType: SharingType.CONDITIONAL,
          sharingCondition: 'c',
          sharingBasis: 'b',
          openType: OpenType.CLOSED,
          fields: [{ name: 'a', title: 'a', type: FieldType.STRING, sharingType: SharingType.UNCONDITIONAL }],
        }),
      },
      taxSteward,
    );
    expect(result.errors?.[0]?.message).toMatch(/input\.fields\[0\]\.sharingType: UNCONDITIONAL is looser/);
  });

  it('refuses a duplicate code with CONFLICT', async () => {
    const result = await gateway.gql(REGISTER, { input: enterpriseRegistry() }, amrSteward);
    expect(result.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('does not let a steward edit another department’s entry', async () => {
    const update = await gateway.gql('mutation { updateDataset(code: "AMR-ENT-REG", input: { title: "篡改" }) { title } }', {}, taxSteward);
    expect(update.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const retire = await gateway.gql('mutation { retireDataset(code: "AMR-ENT-REG") { status } }', {}, taxSteward);
    expect(retire.errors?.[0]?.extensions?.code).toMatch(/NOT_FOUND|FORBIDDEN/);
    const fields = await gateway.gql('mutation { defineFields(dataset: "AMR-ENT-REG", fields: [{ name: "x", title: "x", type: STRING }]) { code } }', {}, taxSteward);
    expect(fields.errors?.[0]?.extensions?.code).toMatch(/NOT_FOUND|FORBIDDEN/);
    const still = await gateway.gql<{ dataset: { title: string } }>('{ dataset(code: "AMR-ENT-REG") { title } }', {}, amrSteward);
    expect(still.data?.dataset.title).toBe('企业登记信息');
  });

  it('does not let a consumer system register or edit datasets', async () => {
    const result = await gateway.gql(REGISTER, { input: enterpriseRegistry({ code: 'TAX-SYS', apiName: 'taxSys' }) }, taxSystem);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('keeps drafts visible to their provider only', async () => {
    const byTax = await gateway.gql<{ datasets: { nodes: { code: string }[] } }>('{ datasets { nodes { code } } }', {}, taxSystem);
    expect(byTax.data?.datasets.nodes.map((node) => node.code)).toEqual(['TAX-PAY']);
    const direct = await gateway.gql('{ dataset(code: "AMR-ENT-REG") { code } }', {}, taxSystem);
    expect(direct.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('records who changed what and when', async () => {
    const updated = await gateway.gql('mutation { updateDataset(code: "AMR-ENT-REG", input: { summary: "全市市场主体登记注册信息（含个体工商户）", keywords: ["企业", "个体户"] }) { summary } }', {}, amrSteward);
    expect(updated.errors).toBeUndefined();
    const history = await gateway.gql<{ dataset: { history: { action: string; principal: string; changes: Record<string, { from: unknown; to: unknown }> }[] } }>(
      '{ dataset(code: "AMR-ENT-REG") { history { action principal changes } } }',
      {},
      amrSteward,
    );
    const [latest, first] = history.data!.dataset.history;
    expect(latest).toMatchObject({ action: 'UPDATED', principal: 'user:steward@amr.test' });
    expect(latest!.changes.keywords).toEqual({ from: ['企业', '法人'], to: ['企业', '个体户'] });
    expect(first!.action).toBe('REGISTERED');
  });

  it('edits a dataset and its fields, each refused problem naming the input it is about (the console puts it under that form item)', async () => {
    const UPDATE = 'mutation($input: UpdateDatasetInput!) { updateDataset(code: "AMR-ENT-REG", input: $input) { sharingType sharingCondition } }';
    const DEFINE = 'mutation($fields: [FieldInput!]!) { defineFields(dataset: "AMR-ENT-REG", fields: $fields) { fields { name sensitivity mask } } }';
    const problems = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.problems as { field: string; message: string }[] | undefined;

    const conditional = await gateway.gql(UPDATE, { input: { sharingType: 'CONDITIONAL', sharingBasis: '《政务数据共享管理办法》' } }, amrSteward);
    expect(conditional.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(problems(conditional)?.map((problem) => problem.field)).toEqual(['input.sharingCondition']);
    const blankTitle = await gateway.gql(UPDATE, { input: { title: '' } }, amrSteward);
    expect(problems(blankTitle)?.[0]?.field).toBe('input.title');

    const fields = enterpriseRegistry().fields;
    const unmasked = await gateway.gql(DEFINE, { fields: [fields[0], { ...fields[2], mask: 'NONE' }] }, amrSteward);
    expect(problems(unmasked)).toEqual([{ field: 'fields[1].mask', message: expect.stringContaining('SENSITIVE') }]);
    const badName = await gateway.gql(DEFINE, { fields: [fields[0], { ...fields[1], name: 'Ent Name' }] }, amrSteward);
    expect(problems(badName)?.map((problem) => problem.field)).toEqual(['fields[1].name']);

    const defined = await gateway.gql<{ defineFields: { fields: { name: string }[] } }>(DEFINE, { fields: [...fields, { name: 'regDate', title: '成立日期', type: 'DATE', mask: 'YEAR_ONLY' }] }, amrSteward);
    expect(defined.errors).toBeUndefined();
    expect(defined.data!.defineFields.fields.map((field) => field.name)).toEqual(['creditCode', 'entName', 'legalRepIdCard', 'regDate']);
  });

  it('finds datasets by Chinese and English words, filters and pages with cursors', async () => {
    const search = (filter: string, first = 10, after?: string) =>
      gateway.gql<{ datasets: { totalCount: number; nodes: { code: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
        `query($after: String) { datasets(filter: ${filter}, first: ${first}, after: $after) { totalCount nodes { code } pageInfo { hasNextPage endCursor } } }`,
        { after },
        admin,
      );
    expect((await search('{ search: "企业" }')).data?.datasets.nodes.map((node) => node.code)).toEqual(['AMR-ENT-REG', 'TAX-PAY']);
    expect((await search('{ search: "enterprise" }')).data?.datasets.nodes.map((node) => node.code)).toEqual(['AMR-ENT-REG']);
    expect((await search('{ search: "处罚" }')).data?.datasets.nodes.map((node) => node.code)).toEqual(['AMR-PENALTY']);
    expect((await search('{ search: "100%" }')).data?.datasets.totalCount).toBe(0);
    expect((await search('{ category: "主题" }')).data?.datasets.nodes.map((node) => node.code)).toEqual(['AMR-PENALTY']);
    expect((await search('{ provider: "DG-TAX", sharingType: CONDITIONAL }')).data?.datasets.nodes.map((node) => node.code)).toEqual(['TAX-PAY']);

    const page1 = (await search('{}', 2)).data!.datasets;
    expect(page1.totalCount).toBe(3);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await search('{}', 2, page1.pageInfo.endCursor)).data!.datasets;
    expect(page2.nodes.map((node) => node.code)).toEqual(['TAX-PAY']);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const forged = await search('{}', 2, `${page1.pageInfo.endCursor.split('.')[0]}.forged`);
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

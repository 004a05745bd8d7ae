import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CalendarService, DisputedRecords } from '@causeway/access';
import { CatalogueRegistry, CatalogueVersions, FieldType, OpenType, Sensitivity, SharingType, UpdateCycle, type RegisterDatasetInput } from '@causeway/catalogue';
import { Role } from '@causeway/core';
import { TypedSchemaRegistry } from '@causeway/exchange';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { grant, PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const OBJECTION_FIELDS = `id datasetCode providerDepartmentCode version keyFields records fields evidence objector contact status disputing createdAt deadline overdue
  answeredAt answeredInTime correctedInVersion reason resolvedAt receipt history { action principal department reason details }`;
const FILE = `mutation($input: FileObjectionInput!) { fileObjection(input: $input) { ${OBJECTION_FIELDS} } }`;
const ANSWER = `mutation($id: ID!, $input: AnswerObjectionInput!) { answerObjection(id: $id, input: $input) { ${OBJECTION_FIELDS} } }`;
const OBJECTION = `query($id: ID!) { objection(id: $id) { ${OBJECTION_FIELDS} } }`;
const BY_RECEIPT = `query($receipt: String!) { objectionByReceipt(receipt: $receipt) { ${OBJECTION_FIELDS} } }`;
const OBJECTIONS = `query($filter: ObjectionFilter) { objections(filter: $filter) { totalCount nodes { id status overdue } } }`;
const STATISTICS = `query($provider: String) { objectionStatistics(provider: $provider) { providerDepartmentCode received open overdue answered answeredInTime confirmed corrected rejected } }`;
const RECORDS = `query($dataset: String!, $fields: [String!]!) { records(dataset: $dataset, fields: $fields) { nodes } }`;

interface Objection {
  id: string;
  datasetCode: string;
  version: number;
  keyFields: string[];
  records: Record<string, unknown>[];
  objector: string;
  contact: string | null;
  status: string;
  disputing: boolean;
  createdAt: string;
  deadline: string;
  overdue: boolean;
  answeredInTime: boolean | null;
  correctedInVersion: number | null;
  reason: string | null;
  resolvedAt: string | null;
  receipt: string | null;
  history: { action: string; principal: string; department: string | null; reason: string | null; details: Record<string, unknown> }[];
}

const WANG = '440111197703035678'; // 王五, district 440111
const ZHAO = '440111200104047890'; // 赵六, district 440111
const ZHANG = '440106199001011234'; // 张三, district 440106

function openDataset(code: string, apiName: string, keySensitivity: Sensitivity): RegisterDatasetInput {
  return {
    code,
    apiName,
    title: `开放数据 ${code}`,
    summary: '异议测试用开放数据',
    category: '基础',
    updateCycle: UpdateCycle.MONTHLY,
    sharingType: SharingType.UNCONDITIONAL,
    openType: OpenType.OPEN,
    license: 'CC-BY-4.0',
    fields: [
      { name: 'itemNo', title: '编号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: keySensitivity },
      { name: 'value', title: '值', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
    ],
  };
}

describe('objections and corrections (校核纠错/异议处理)', () => {
  let gateway: TestGateway;
  let db: DataSource;
  let admin: string;
  let psbSteward: string;
  let hrssSteward: string;
  let taxSystem: string;
  let hrssSystem: string;
  let statsSystem: string;
  let psbSystem: string;

  const file = (input: Record<string, unknown>, credential?: string) => gateway.gql<{ fileObjection: Objection }>(FILE, { input }, credential);
  const answer = (id: string, input: Record<string, unknown>, credential = psbSteward) => gateway.gql<{ answerObjection: Objection }>(ANSWER, { id, input }, credential);
  const objection = (id: string, credential: string) => gateway.gql<{ objection: Objection }>(OBJECTION, { id }, credential);
  const disputedIdCards = async (credential: string): Promise<{ idCard: unknown; disputed: boolean }[]> => {
    const answered = await gateway.gql<{ records: { nodes: Record<string, unknown>[] } }>(RECORDS, { dataset: 'PSB-OBJ', fields: ['idCard', 'age'] }, credential);
    expect(answered.errors).toBeUndefined();
    return answered.data!.records.nodes.map((node) => ({ idCard: node.idCard, disputed: node._disputed === true }));
  };
  const disputedOf = async (credential: string) => (await disputedIdCards(credential)).filter((row) => row.disputed).map((row) => row.idCard);
  const audited = async (target: string): Promise<string[]> =>
    ((await db.query(`select action from audit_event where target = $1 order by seq`, [target])) as { action: string }[]).map((row) => row.action);
  const objectionCount = async (): Promise<number> => Number(((await db.query(`select count(*)::int as n from objection`)) as { n: number }[])[0]!.n);

  beforeAll(async () => {
    gateway = await TestGateway.start();
    db = gateway.app.get<DataSource>(getDataSourceToken() as string);
    admin = await gateway.person('GZ-DATA', 'admin@data.test', [Role.ADMIN]);
    psbSteward = await gateway.person('DG-PSB', 'steward@psb.test', [Role.STEWARD]);
    hrssSteward = await gateway.person('DG-HRSS', 'steward@hrss.test', [Role.STEWARD]);
    psbSystem = await gateway.client('DG-PSB', 'psb-system');
    taxSystem = await gateway.client('DG-TAX', 'tax-system');
    hrssSystem = await gateway.client('DG-HRSS', 'hrss-system');
    statsSystem = await gateway.client('DG-STATS', 'stats-system');
    await gateway.dataset(
      'DG-PSB',
      peopleRegister({
        code: 'PSB-OBJ',
        apiName: 'peopleObjected',
        sharingType: SharingType.CONDITIONAL,
        sharingCondition: '依法履职',
        fields: peopleRegister().fields.map((field) => ({ ...field, sharingType: field.sharingType === SharingType.NONE ? SharingType.NONE : SharingType.CONDITIONAL })),
      }),
    );
    await loadVersion(gateway, 'DG-PSB', 'PSB-OBJ', PEOPLE);
    // DG-TAX reads every row; DG-HRSS only district 440111 (王五, 赵六), without income.
    await grant(gateway, 'DG-PSB', 'DG-TAX', 'PSB-OBJ', { fields: ['idCard', 'name', 'age', 'district', 'income'] });
    await grant(gateway, 'DG-PSB', 'DG-HRSS', 'PSB-OBJ', { fields: ['idCard', 'age'], rowScope: { district: { eq: '440111' } } });
    await gateway.dataset('DG-HEALTH', openDataset('OBJ-OPEN', 'objectedOpen', Sensitivity.PUBLIC));
    await loadVersion(gateway, 'DG-HEALTH', 'OBJ-OPEN', [
      { itemNo: 'H1', value: '医院' },
      { itemNo: 'H2', value: '诊所' },
    ]);
    await gateway.dataset('DG-HEALTH', openDataset('OBJ-OPEN-KEY', 'objectedOpenKey', Sensitivity.INTERNAL));
    await loadVersion(gateway, 'DG-HEALTH', 'OBJ-OPEN-KEY', [{ itemNo: 'K1', value: '内部编号' }]);
    await gateway.get(TypedSchemaRegistry).settled();
  }, 120_000);
  afterAll(() => gateway.close());

  it('a consumer’s objection marks the record disputed to it, to another reader who sees the record, and in typed rows', async () => {
    expect(await disputedOf(taxSystem)).toEqual([]);
    const filed = await file({ dataset: 'PSB-OBJ', records: [{ idCard: WANG }], fields: ['name'], evidence: '王五已于2025年更名为王武，见户籍变更登记' }, taxSystem);
    expect(filed.errors).toBeUndefined();
    const created = filed.data!.fileObjection;
    expect(created).toMatchObject({ datasetCode: 'PSB-OBJ', version: 1, keyFields: ['idCard'], records: [{ idCard: WANG }], objector: 'DG-TAX', status: 'OPEN', disputing: true, overdue: false, receipt: null });
    expect(created.history.map((step) => step.action)).toEqual(['FILED']);
    // The deadline is the calendar's: five working days from filing (DEADLINE_OBJECTION_ANSWER_WORKING_DAYS).
    const calendar = await gateway.get(CalendarService).calendar();
    expect(created.deadline).toBe(calendar.addWorkingDays(new Date(created.createdAt), 5).toISOString());

    expect(await disputedOf(taxSystem)).toEqual([WANG]);
    // DG-HRSS reads 440111 only: 王五 disputed, 赵六 not; no other key appears on its rows.
    expect(await disputedIdCards(hrssSystem)).toEqual([
      { idCard: WANG, disputed: true },
      { idCard: ZHAO, disputed: false },
    ]);
    const plain = await gateway.gql<{ records: { nodes: Record<string, unknown>[] } }>(RECORDS, { dataset: 'PSB-OBJ', fields: ['age'] }, hrssSystem);
    expect(plain.data!.records.nodes).toEqual([{ age: 49, _disputed: true }, { age: 25 }]);
    const typed = await gateway.gql<{ peopleObjected: { nodes: { age: number; _disputed: boolean }[] } }>(`{ peopleObjected { nodes { age _disputed } } }`, {}, hrssSystem);
    expect(typed.errors).toBeUndefined();
    expect(typed.data!.peopleObjected.nodes).toEqual([
      { age: 49, _disputed: true },
      { age: 25, _disputed: false },
    ]);
    expect(await audited(`objection:${created.id}`)).toEqual(['objection.file']);
  });

  it('once looked up, the disputes of a dataset cost no query of the objections per read', async () => {
    await disputedOf(taxSystem);
    const query = jest.spyOn(db, 'query');
    try {
      for (let round = 0; round < 5; round += 1) expect(await disputedOf(hrssSystem)).toEqual([WANG]);
      expect(query.mock.calls.filter(([sql]) => /\bobjection\b/.test(String(sql)))).toEqual([]);
    } finally {
      query.mockRestore();
    }
  });

  it('the public objects to an open record with a contact; downloads carry the flag and change their ETag', async () => {
    const before = await gateway.http('GET', '/open/datasets/OBJ-OPEN.csv');
    expect(before.body).toBe('\uFEFFitemNo,value,_disputed\r\nH1,医院,false\r\nH2,诊所,false\r\n');

    const noContact = await file({ dataset: 'OBJ-OPEN', records: [{ itemNo: 'H2' }], evidence: '该诊所已于2026年3月关闭' });
    expect(noContact.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(noContact.errors?.[0]?.message).toContain('input.contact');
    const badContact = await file({ dataset: 'OBJ-OPEN', records: [{ itemNo: 'H2' }], evidence: '该诊所已关闭', contact: 'call me maybe' });
    expect(badContact.errors?.[0]?.message).toContain('input.contact');

    const filed = await file({ dataset: 'OBJ-OPEN', records: [{ itemNo: 'H2' }], evidence: '该诊所已于2026年3月关闭', contact: 'citizen@example.cn' });
    expect(filed.errors).toBeUndefined();
    const created = filed.data!.fileObjection;
    expect(created).toMatchObject({ objector: 'PUBLIC', status: 'OPEN', contact: null });
    expect(created.receipt).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const csv = await gateway.http('GET', '/open/datasets/OBJ-OPEN.csv');
    expect(csv.body).toBe('\uFEFFitemNo,value,_disputed\r\nH1,医院,false\r\nH2,诊所,true\r\n');
    expect(csv.headers.etag).not.toBe(before.headers.etag);
    expect((await gateway.http('GET', '/open/datasets/OBJ-OPEN.csv', { headers: { 'if-none-match': String(before.headers.etag) } })).status).toBe(200);
    const json = await gateway.http('GET', '/open/datasets/OBJ-OPEN.json');
    expect(json.json()).toEqual([
      { itemNo: 'H1', value: '医院', _disputed: false },
      { itemNo: 'H2', value: '诊所', _disputed: true },
    ]);
    // datastore_search objects carry the flag as records rows do, only when disputed, whatever the fields
    // selected; lists and CSV stay aligned with their fields.
    type Search = { result: { records: unknown } };
    const resourceId = (await gateway.http('GET', '/api/3/action/package_show?id=obj-open')).json<{ result: { resources: { id: string }[] } }>().result.resources[0]!.id;
    const search = async (query: string) => (await gateway.http('GET', `/api/3/action/datastore_search?resource_id=${resourceId}&${query}`)).json<Search>().result.records;
    expect(await search('fields=value')).toEqual([{ value: '医院' }, { value: '诊所', _disputed: true }]);
    expect(await search('fields=itemNo&records_format=lists')).toEqual([['H1'], ['H2']]);
    expect(await search('fields=itemNo&records_format=csv')).toBe('H1\nH2\n');

    // The objector follows it by its receipt (without seeing its own contact echoed); the provider sees the contact.
    const followed = await gateway.gql<{ objectionByReceipt: Objection }>(BY_RECEIPT, { receipt: created.receipt });
    expect(followed.data!.objectionByReceipt).toMatchObject({ id: created.id, status: 'OPEN', receipt: null, contact: null });
    const healthSteward = await gateway.person('DG-HEALTH', 'steward@health.test', [Role.STEWARD]);
    expect((await objection(created.id, healthSteward)).data!.objection.contact).toBe('citizen@example.cn');
    const wrongReceipt = await gateway.gql(BY_RECEIPT, { receipt: 'A'.repeat(32) });
    expect(wrongReceipt.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // The trail records that there was a contact, never the contact itself.
    const [event] = (await db.query(`select detail from audit_event where target = $1`, [`objection:${created.id}`])) as { detail: string }[];
    expect(JSON.parse(event!.detail)).toMatchObject({ public: true, contact: true });
    expect(JSON.stringify(event)).not.toContain('citizen@example.cn');
  });

  it('a flood of public objections is capped per dataset, so that every read’s dispute test stays bounded', async () => {
    await gateway.dataset('DG-HEALTH', openDataset('OBJ-MANY', 'objectedMany', Sensitivity.PUBLIC));
    await loadVersion(gateway, 'DG-HEALTH', 'OBJ-MANY', Array.from({ length: 201 }, (_, index) => ({ itemNo: `M${index}`, value: '值' })));
    const batch = (from: number, count: number) => Array.from({ length: count }, (_, index) => ({ itemNo: `M${from + index}` }));
    for (const from of [0, 100]) {
      const filed = await file({ dataset: 'OBJ-MANY', records: batch(from, 100), evidence: '批量异议', contact: 'flood@example.cn' });
      expect(filed.errors).toBeUndefined();
    }
    const refused = await file({ dataset: 'OBJ-MANY', records: batch(200, 1), evidence: '批量异议', contact: 'flood@example.cn' });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(refused.errors?.[0]?.message).toContain('at most 200');
    // Once the provider answers, there is room again.
    const [first] = (await db.query(`select id from objection where dataset_id = (select id from dataset where code = 'OBJ-MANY') order by created_at limit 1`)) as { id: string }[];
    const healthSteward = await gateway.person('DG-HEALTH', 'steward2@health.test', [Role.STEWARD]);
    expect((await answer(first!.id, { outcome: 'REJECT', reason: '无误' }, healthSteward)).errors).toBeUndefined();
    expect((await file({ dataset: 'OBJ-MANY', records: batch(200, 1), evidence: '批量异议', contact: 'flood@example.cn' })).errors).toBeUndefined();
  });

  it('records named by a composite key of several types are found and flagged', async () => {
    await gateway.dataset('DG-HEALTH', {
      ...openDataset('OBJ-COMPOSITE', 'objectedComposite', Sensitivity.PUBLIC),
      fields: [
        { name: 'year', title: '年份', type: FieldType.INTEGER, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
        { name: 'day', title: '日期', type: FieldType.DATE, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
        { name: 'amount', title: '金额', type: FieldType.DECIMAL, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
        { name: 'value', title: '值', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
      ],
    });
    await loadVersion(gateway, 'DG-HEALTH', 'OBJ-COMPOSITE', [
      { year: 2026, day: '2026-03-01', amount: '12.50', value: 'a' },
      { year: 2026, day: '2026-03-02', amount: '12.50', value: 'b' },
      { year: 2025, day: '2026-03-01', amount: '12.50', value: 'c' },
    ]);
    const filed = await file({ dataset: 'OBJ-COMPOSITE', records: [{ year: '2026', day: '2026-03-02', amount: 12.5 }], evidence: '金额有误' }, taxSystem);
    expect(filed.errors).toBeUndefined();
    expect(filed.data!.fileObjection.keyFields).toEqual(['year', 'day', 'amount']);
    const rows = await gateway.gql<{ records: { nodes: Record<string, unknown>[] } }>(RECORDS, { dataset: 'OBJ-COMPOSITE', fields: ['value'] }, hrssSystem);
    expect(rows.data!.records.nodes).toEqual([{ value: 'a' }, { value: 'b', _disputed: true }, { value: 'c' }]);
    const missing = await file({ dataset: 'OBJ-COMPOSITE', records: [{ year: 2025, day: '2026-03-02', amount: '12.5' }], evidence: '金额有误' }, taxSystem);
    expect(missing.errors?.[0]?.message).toContain('input.records[0]: is not a record of OBJ-COMPOSITE you can read');
  });

  it('the public learns nothing of a closed dataset nor of an open dataset’s non-public key field', async () => {
    const closed = await file({ dataset: 'PSB-OBJ', records: [{ idCard: WANG }], evidence: '错误', contact: 'citizen@example.cn' });
    const unknown = await file({ dataset: 'NO-SUCH-SET', records: [{ idCard: WANG }], evidence: '错误', contact: 'citizen@example.cn' });
    expect(closed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(closed.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message?.replace('NO-SUCH-SET', 'PSB-OBJ'));
    const hiddenKey = await file({ dataset: 'OBJ-OPEN-KEY', records: [{ wrong: 'K1' }], evidence: '错误', contact: 'citizen@example.cn' });
    expect(hiddenKey.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(hiddenKey.errors)).not.toContain('itemNo');
  });

  it('no oracle: a record outside the caller’s rows is refused exactly as one that does not exist', async () => {
    const before = await objectionCount();
    const outside = await file({ dataset: 'PSB-OBJ', records: [{ idCard: ZHANG }], evidence: '错误' }, hrssSystem);
    const missing = await file({ dataset: 'PSB-OBJ', records: [{ idCard: '440111190001010000' }], evidence: '错误' }, hrssSystem);
    expect(outside.errors?.[0]).toMatchObject({ message: expect.stringContaining('input.records[0]: is not a record of PSB-OBJ you can read'), extensions: { code: 'BAD_USER_INPUT' } });
    expect(missing.errors).toEqual(outside.errors);
    // A record it sees next to one it does not: refused whole, naming the position only.
    const mixed = await file({ dataset: 'PSB-OBJ', records: [{ idCard: ZHAO }, { idCard: ZHANG }], evidence: '错误' }, hrssSystem);
    expect(mixed.errors?.[0]?.message).toContain('input.records[1]');
    expect(mixed.errors?.[0]?.message).not.toContain('input.records[0]');
    // A field it may not read cannot be objected to, whether the record exists or not.
    const field = await file({ dataset: 'PSB-OBJ', records: [{ idCard: ZHAO }], fields: ['income'], evidence: '错误' }, hrssSystem);
    expect(field.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');
    const malformed = await file({ dataset: 'PSB-OBJ', records: [{ idCard: 7 }, {}], evidence: '错误' }, hrssSystem);
    expect(malformed.errors?.[0]?.message).toContain('input.records[0].idCard: is not a valid STRING value');
    expect(malformed.errors?.[0]?.message).toContain('input.records[1].idCard: is required');
    expect(await objectionCount()).toBe(before);
  });

  it('only readers object, only the provider’s steward answers, and nobody else learns an objection exists', async () => {
    const before = await objectionCount();
    const stranger = await file({ dataset: 'PSB-OBJ', records: [{ idCard: WANG }], evidence: '错误' }, statsSystem);
    expect(['FORBIDDEN', 'FORBIDDEN_FIELDS']).toContain(stranger.errors?.[0]?.extensions?.code);
    const own = await file({ dataset: 'PSB-OBJ', records: [{ idCard: WANG }], evidence: '错误' }, psbSystem);
    expect(own.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await objectionCount()).toBe(before);

    const filed = (await file({ dataset: 'PSB-OBJ', records: [{ idCard: ZHAO }], evidence: '年龄有误' }, hrssSystem)).data!.fileObjection;
    expect((await answer(filed.id, { outcome: 'REJECT', reason: '无误' }, taxSystem)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await answer(filed.id, { outcome: 'REJECT', reason: '无误' }, hrssSteward)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await objection(filed.id, statsSystem)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await objection(filed.id, taxSystem)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await objection(filed.id, hrssSystem)).data!.objection.status).toBe('OPEN');
    const listed = await gateway.gql<{ objections: { nodes: { id: string }[] } }>(OBJECTIONS, {}, statsSystem);
    expect(listed.data!.objections.nodes).toEqual([]);

    // A rejection needs a reason, which the objector then reads; the record is no longer disputed.
    const noReason = await answer(filed.id, { outcome: 'REJECT' });
    expect(noReason.errors?.[0]?.message).toContain('input.reason');
    const rejected = await answer(filed.id, { outcome: 'REJECT', reason: '经核对户籍系统，年龄无误' });
    expect(rejected.errors).toBeUndefined();
    expect(rejected.data!.answerObjection).toMatchObject({ status: 'REJECTED', disputing: false, answeredInTime: true, reason: '经核对户籍系统，年龄无误' });
    expect((await objection(filed.id, hrssSystem)).data!.objection).toMatchObject({ status: 'REJECTED', reason: '经核对户籍系统，年龄无误' });
    expect((await disputedIdCards(hrssSystem)).find((row) => row.idCard === ZHAO)).toEqual({ idCard: ZHAO, disputed: false });
    expect((await answer(filed.id, { outcome: 'REJECT', reason: '再次' })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await audited(`objection:${filed.id}`)).toEqual(['objection.file', 'objection.answer']);
  });

  it('a confirmation names the correcting version; the records stay disputed until it is published, then never again', async () => {
    const [open] = (await gateway.gql<{ objections: { nodes: { id: string }[] } }>(OBJECTIONS, { filter: { dataset: 'PSB-OBJ', status: 'OPEN' } }, taxSystem)).data!.objections.nodes;
    const id = open!.id;
    expect((await answer(id, { outcome: 'CONFIRM' })).errors?.[0]?.message).toContain('input.correctedInVersion');
    expect((await answer(id, { outcome: 'CONFIRM', correctedInVersion: 1 })).errors?.[0]?.message).toContain('must be after version 1');
    const confirmed = await answer(id, { outcome: 'CONFIRM', correctedInVersion: 2, reason: '已核实，将于下一版本更正' });
    expect(confirmed.data!.answerObjection).toMatchObject({ status: 'CONFIRMED', correctedInVersion: 2, disputing: true });
    expect(await disputedOf(taxSystem)).toEqual([WANG]);

    // Version 2 is loaded but not yet published: still disputed.
    const corrected = PEOPLE.map((person) => (person.idCard === WANG ? { ...person, name: '王武' } : person));
    await loadVersion(gateway, 'DG-PSB', 'PSB-OBJ', corrected, { publish: false });
    expect(await disputedOf(taxSystem)).toEqual([WANG]);
    await gateway.get(CatalogueVersions).publishVersion(await gateway.steward('DG-PSB'), 'PSB-OBJ', 2);
    expect(await disputedOf(taxSystem)).toEqual([]);
    expect(await disputedOf(hrssSystem)).toEqual([]);

    // The state follows the publication (run here once more: resolving is idempotent).
    const dataset = (await gateway.get(CatalogueRegistry).findByCode('PSB-OBJ'))!;
    await gateway.get(DisputedRecords).resolveCorrections(dataset.id);
    const resolved = (await objection(id, taxSystem)).data!.objection;
    expect(resolved).toMatchObject({ status: 'CORRECTED', disputing: false, correctedInVersion: 2 });
    expect(resolved.resolvedAt).not.toBeNull();
    expect(resolved.history.map((step) => step.action)).toEqual(['FILED', 'CONFIRMED', 'CORRECTED']);
    expect(await audited(`objection:${id}`)).toEqual(['objection.file', 'objection.answer', 'objection.resolve']);
  });

  it('an objection unanswered past its deadline is overdue, and answering it then is not in time', async () => {
    const filed = (await file({ dataset: 'PSB-OBJ', records: [{ idCard: ZHANG }], fields: ['age'], evidence: '出生日期与年龄不符' }, taxSystem)).data!.fileObjection;
    await db.query(`update objection set created_at = created_at - interval '30 days', deadline = deadline - interval '30 days' where id = $1`, [filed.id]);
    expect((await objection(filed.id, taxSystem)).data!.objection).toMatchObject({ status: 'OPEN', overdue: true });
    const overdue = await gateway.gql<{ objections: { nodes: { id: string }[] } }>(OBJECTIONS, { filter: { overdue: true } }, psbSteward);
    expect(overdue.data!.objections.nodes.map((node) => node.id)).toEqual([filed.id]);
    // It is on the overdue list (逾期清单) of the provider and of the data bureau, the provider responsible.
    const OVERDUE = `{ overdueItems { kind id stage subject requesterDepartmentCode responsible workingDaysOverdue } }`;
    const listed = await gateway.gql<{ overdueItems: { kind: string; id: string }[] }>(OVERDUE, {}, psbSteward);
    expect(listed.data!.overdueItems.filter((item) => item.kind === 'OBJECTION')).toEqual([
      expect.objectContaining({ id: filed.id, stage: 'ANSWER', subject: 'PSB-OBJ', requesterDepartmentCode: 'DG-TAX', responsible: 'DG-PSB' }),
    ]);
    const city = await gateway.gql<{ overdueItems: { kind: string; id: string }[] }>(OVERDUE, {}, admin);
    expect(city.data!.overdueItems.map((item) => item.id)).toContain(filed.id);
    const late = await answer(filed.id, { outcome: 'REJECT', reason: '年龄按登记日期计算，无误' });
    expect(late.data!.answerObjection).toMatchObject({ status: 'REJECTED', overdue: false, answeredInTime: false });
    expect((await gateway.gql<{ overdueItems: { id: string }[] }>(OVERDUE, {}, admin)).data!.overdueItems.map((item) => item.id)).not.toContain(filed.id);
  });

  it('per-provider statistics count objections received, answered in time, corrected', async () => {
    const stats = await gateway.gql<{ objectionStatistics: Record<string, unknown>[] }>(STATISTICS, {}, admin);
    expect(stats.errors).toBeUndefined();
    expect(stats.data!.objectionStatistics).toEqual([
      { providerDepartmentCode: 'DG-HEALTH', received: 5, open: 4, overdue: 0, answered: 1, answeredInTime: 1, confirmed: 0, corrected: 0, rejected: 1 },
      { providerDepartmentCode: 'DG-PSB', received: 3, open: 0, overdue: 0, answered: 3, answeredInTime: 2, confirmed: 0, corrected: 1, rejected: 2 },
    ]);
    const own = await gateway.gql<{ objectionStatistics: { providerDepartmentCode: string }[] }>(STATISTICS, {}, psbSteward);
    expect(own.data!.objectionStatistics.map((row) => row.providerDepartmentCode)).toEqual(['DG-PSB']);
    expect((await gateway.gql(STATISTICS, { provider: 'DG-HEALTH' }, psbSteward)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gateway.gql(STATISTICS, {}, taxSystem)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('an objection filed or answered on one gateway process marks or clears the record on another at once (the change feed)', async () => {
    await gateway.dataset('DG-HEALTH', openDataset('OBJ-FEED', 'objectedFeed', Sensitivity.PUBLIC));
    await loadVersion(gateway, 'DG-HEALTH', 'OBJ-FEED', [
      { itemNo: 'F1', value: '社区卫生服务中心' },
      { itemNo: 'F2', value: '门诊部' },
    ]);
    const healthSteward = await gateway.person('DG-HEALTH', 'steward@health.feed.test', [Role.STEWARD]);
    const other = await gateway.replica();
    try {
      const disputedOn = async (process: TestGateway): Promise<unknown[]> => {
        const answered = await process.gql<{ records: { nodes: Record<string, unknown>[] } }>(RECORDS, { dataset: 'OBJ-FEED', fields: ['itemNo'] }, taxSystem);
        expect(answered.errors).toBeUndefined();
        return answered.data!.records.nodes.filter((node) => node._disputed === true).map((node) => node.itemNo);
      };
      // The other process has the dataset's (empty) objections cached before anything is filed.
      expect(await disputedOn(other)).toEqual([]);

      const filed = await file({ dataset: 'OBJ-FEED', records: [{ itemNo: 'F1' }], evidence: '该中心已迁址' }, taxSystem);
      expect(filed.errors).toBeUndefined();
      // Well inside the 30 s backstop: only the notice can have told the other process.
      expect(await eventually(() => disputedOn(other), (keys) => keys.length === 1, 1000)).toEqual(['F1']);

      expect((await answer(filed.data!.fileObjection.id, { outcome: 'REJECT', reason: '经核实地址无误' }, healthSteward)).errors).toBeUndefined();
      expect(await eventually(() => disputedOn(other), (keys) => keys.length === 0, 1000)).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

/** Asks until `check` holds or `limitMs` has passed, and returns the last answer (the caller asserts on it). */
async function eventually<T>(ask: () => Promise<T>, check: (value: T) => boolean, limitMs: number): Promise<T> {
  const deadline = Date.now() + limitMs;
  let value = await ask();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await ask();
  }
  return value;
}

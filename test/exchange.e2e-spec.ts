import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FieldType, MaskType, Sensitivity, SharingType } from '@causeway/catalogue';
import { Role } from '@causeway/core';
import { grant, PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const RECORDS = `query($dataset: String!, $fields: [String!]!, $where: JSON, $orderBy: [RecordOrder!], $first: Int, $after: String) {
  records(dataset: $dataset, fields: $fields, where: $where, orderBy: $orderBy, first: $first, after: $after) {
    nodes totalCount pageInfo { hasNextPage endCursor } edges { cursor node }
  }
}`;
const RECORDS_NO_TOTAL = `query($dataset: String!, $fields: [String!]!, $where: JSON, $orderBy: [RecordOrder!], $first: Int, $after: String) {
  records(dataset: $dataset, fields: $fields, where: $where, orderBy: $orderBy, first: $first, after: $after) { nodes pageInfo { hasNextPage endCursor } }
}`;
const AGGREGATE = `query($dataset: String!, $groupBy: [String!], $metrics: [MetricInput!], $where: JSON) {
  aggregate(dataset: $dataset, groupBy: $groupBy, metrics: $metrics, where: $where) { groups { key count metrics { fn field value } } suppressedGroups minGroupSize }
}`;

interface Page {
  records: { nodes: Record<string, unknown>[]; totalCount?: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('exchange: records and aggregate under policy', () => {
  let gateway: TestGateway;
  let provider: string;
  let consumer: string;
  let other: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    provider = await gateway.client('DG-PSB', 'psb-system');
    consumer = await gateway.client('DG-TAX', 'tax-system');
    other = await gateway.client('DG-HRSS', 'hrss-system');
    await gateway.dataset('DG-PSB', peopleRegister());
    await loadVersion(gateway, 'DG-PSB', 'PSB-PEOPLE', PEOPLE);
    await gateway.dataset('DG-PSB', peopleRegister({ code: 'PSB-PEOPLE-C', apiName: 'peopleConditional', sharingType: SharingType.CONDITIONAL, sharingCondition: '依法履职', fields: peopleRegister().fields.map((field) => ({ ...field, sharingType: field.sharingType === SharingType.NONE ? SharingType.NONE : SharingType.CONDITIONAL })) }));
    await loadVersion(gateway, 'DG-PSB', 'PSB-PEOPLE-C', PEOPLE);
  });
  afterAll(() => gateway.close());

  it('serves the provider every field in clear, in file order, with a total', async () => {
    const answer = await gateway.gql<Page>(RECORDS, { dataset: 'PSB-PEOPLE', fields: ['idCard', 'name', 'phone', 'income', 'age', 'birthDate', 'verified'] }, provider);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.records.totalCount).toBe(5);
    expect(answer.data!.records.nodes[0]).toEqual({ idCard: '440106199001011234', name: '张三', phone: '13812345678', income: '12000.50', age: 36, birthDate: '1990-01-01', verified: true });
  });

  it('serves an unconditional dataset to another department: INTERNAL clear, SENSITIVE masked', async () => {
    const answer = await gateway.gql<Page>(RECORDS, { dataset: 'PSB-PEOPLE', fields: ['idCard', 'name', 'district', 'birthDate'], first: 2 }, consumer);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.records.nodes).toEqual([
      { idCard: '4401**********1234', name: '张*', district: '440106', birthDate: '1990' },
      { idCard: '4401**********3456', name: '李*', district: '440106', birthDate: '1985' },
    ]);
    expect(answer.data!.records.pageInfo.hasNextPage).toBe(true);
  });

  it('filters, sorts and pages with keyset cursors', async () => {
    const seen: unknown[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const answer: { data?: Page | null; errors?: unknown } = await gateway.gql<Page>(
        RECORDS_NO_TOTAL,
        { dataset: 'PSB-PEOPLE', fields: ['age'], where: { age: { gte: 26 } }, orderBy: [{ field: 'district', direction: 'DESC' }, { field: 'age' }], first: 2, after },
        consumer,
      );
      expect(answer.errors).toBeUndefined();
      seen.push(...answer.data!.records.nodes.map((node) => node.age));
      after = answer.data!.records.pageInfo.endCursor;
      if (!answer.data!.records.pageInfo.hasNextPage) break;
    }
    expect(seen).toEqual([49, 36, 41, 27]);
  });

  it('validates where against the field types, naming the path', async () => {
    const answer = await gateway.gql(RECORDS, { dataset: 'PSB-PEOPLE', fields: ['age'], where: { age: { like: '3%' }, district: { eq: 5 } } }, consumer);
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toMatch(/where\.age\.like/);
    expect(answer.errors?.[0]?.message).toMatch(/where\.district\.eq: must be a string/);
  });

  it('caps first at 1000', async () => {
    const answer = await gateway.gql(RECORDS, { dataset: 'PSB-PEOPLE', fields: ['age'], first: 1001 }, consumer);
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a conditional dataset without a grant, and serves exactly the grant’s view with one', async () => {
    const refused = await gateway.gql(RECORDS, { dataset: 'PSB-PEOPLE-C', fields: ['age'] }, other);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');
    expect(refused.errors?.[0]?.extensions?.fields).toEqual(['age']);
    expect(refused.data ?? null).toBeNull();

    await grant(gateway, 'DG-PSB', 'DG-HRSS', 'PSB-PEOPLE-C', { fields: ['idCard', 'age', 'income'], masked: ['idCard'], rowScope: { district: { eq: '440111' } } });
    const served = await gateway.gql<Page>(RECORDS, { dataset: 'PSB-PEOPLE-C', fields: ['idCard', 'age', 'income'] }, other);
    expect(served.errors).toBeUndefined();
    expect(served.data!.records.totalCount).toBe(2);
    expect(served.data!.records.nodes).toEqual([
      { idCard: '4401**********5678', age: 49, income: '15000.25' },
      { idCard: '4401**********7890', age: 25, income: null },
    ]);
  });

  it('aggregates with grouping, and suppresses small groups under an aggregate-only grant', async () => {
    const provided = await gateway.gql<{ aggregate: { groups: { key: unknown; count: number; metrics: { value: unknown }[] }[] } }>(
      AGGREGATE,
      { dataset: 'PSB-PEOPLE', groupBy: ['district'], metrics: [{ fn: 'SUM', field: 'age' }, { fn: 'MAX', field: 'birthDate' }] },
      provider,
    );
    expect(provided.errors).toBeUndefined();
    expect(provided.data!.aggregate.groups.map((group) => [group.key, group.count, group.metrics.map((metric) => metric.value)])).toEqual([
      [{ district: '440103' }, 1, ['27', '1999-05-05']],
      [{ district: '440106' }, 2, ['77', '1990-01-01']],
      [{ district: '440111' }, 2, ['74', '2001-04-04']],
    ]);

    const statistician = await gateway.client('DG-STATS', 'stats-system');
    await grant(gateway, 'DG-PSB', 'DG-STATS', 'PSB-PEOPLE-C', { fields: ['district', 'age'], aggregateOnly: true });
    const suppressed = await gateway.gql<{ aggregate: { groups: unknown[]; suppressedGroups: number; minGroupSize: number } }>(AGGREGATE, { dataset: 'PSB-PEOPLE-C', groupBy: ['district'] }, statistician);
    expect(suppressed.errors).toBeUndefined();
    expect(suppressed.data!.aggregate).toEqual({ groups: [], suppressedGroups: 3, minGroupSize: 5 });
    const whole = await gateway.gql<{ aggregate: { groups: { count: number }[] } }>(AGGREGATE, { dataset: 'PSB-PEOPLE-C', metrics: [{ fn: 'AVG', field: 'age' }] }, statistician);
    expect(whole.data!.aggregate.groups.map((group) => group.count)).toEqual([5]);
    const rows = await gateway.gql(RECORDS, { dataset: 'PSB-PEOPLE-C', fields: ['age'] }, statistician);
    expect(rows.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');
    expect(rows.errors?.[0]?.message).toMatch(/aggregate-only/);
  });

  it('tells a caller its access before it asks (Dataset.myAccess)', async () => {
    const answer = await gateway.gql<{ dataset: { myAccess: { fields: { field: string; access: string }[]; rowScope: unknown; aggregateOnly: boolean; grantIds: string[] } } }>(
      `{ dataset(code: "PSB-PEOPLE-C") { myAccess { fields { field access } rowScope aggregateOnly grantIds } } }`,
      {},
      other,
    );
    expect(answer.errors).toBeUndefined();
    const access = answer.data!.dataset.myAccess;
    expect(Object.fromEntries(access.fields.map((field) => [field.field, field.access]))).toEqual({
      idCard: 'MASKED',
      name: 'DENIED',
      district: 'DENIED',
      age: 'CLEAR',
      birthDate: 'DENIED',
      income: 'CLEAR',
      phone: 'DENIED',
      verified: 'DENIED',
    });
    expect(access.rowScope).toEqual({ district: { eq: '440111' } });
    expect(access.grantIds).toHaveLength(1);
  });

  it('serves date-times as ISO 8601 UTC, JSON as JSON, and filters on them by type', async () => {
    await gateway.dataset('DG-PSB', {
      ...peopleRegister({ code: 'PSB-EVENTS', apiName: 'psbEvents' }),
      fields: [
        { name: 'eventNo', title: '编号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
        { name: 'at', title: '时间', type: FieldType.DATETIME, sensitivity: Sensitivity.PUBLIC },
        { name: 'atMasked', title: '时间', type: FieldType.DATETIME, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.YEAR_ONLY },
        { name: 'detail', title: '详情', type: FieldType.JSON, sensitivity: Sensitivity.PUBLIC },
      ],
    });
    await loadVersion(gateway, 'DG-PSB', 'PSB-EVENTS', [
      { eventNo: 'E1', at: '2026-01-31T08:00:00.250+08:00', atMasked: '2025-12-31T23:30:00Z', detail: { kind: 'a', n: [1, 2] } },
      { eventNo: 'E2', at: '2026-02-01T00:00:00Z', atMasked: null, detail: null },
    ]);
    const answer = await gateway.gql<Page>(RECORDS, { dataset: 'PSB-EVENTS', fields: ['eventNo', 'at', 'atMasked', 'detail'], where: { at: { lt: '2026-01-31T09:00:00+08:00' } } }, consumer);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.records.nodes).toEqual([{ eventNo: 'E1', at: '2026-01-31T00:00:00.25Z', atMasked: '2025', detail: { kind: 'a', n: [1, 2] } }]);
    const jsonFilter = await gateway.gql<Page>(RECORDS, { dataset: 'PSB-EVENTS', fields: ['eventNo'], where: { detail: { isNull: true } } }, consumer);
    expect(jsonFilter.data!.records.nodes).toEqual([{ eventNo: 'E2' }]);
  });

  it('does not serve people outside the data-reading roles', async () => {
    const auditor = await gateway.person('DG-PSB', 'auditor@psb.test', [Role.AUDITOR]);
    const answer = await gateway.gql(RECORDS, { dataset: 'PSB-PEOPLE', fields: ['age'] }, auditor);
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');
  });
});

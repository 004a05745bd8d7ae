import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogueRegistry, SharingType } from '@causeway/catalogue';
import { TypedSchemaRegistry } from '@causeway/exchange';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { grant, PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway, type GraphQLResponse } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

/**
 * Leak hunting: every test names a way a value could escape its policy and checks that it
 * does not. PSB-LEAK is conditional; DG-TAX holds a grant (age, district clear; idCard, name
 * masked; rows of district 440111 only); DG-HRSS holds nothing; DG-PSB provides.
 */

const leakDataset = peopleRegister({
  code: 'PSB-LEAK',
  apiName: 'leaky',
  sharingType: SharingType.CONDITIONAL,
  sharingCondition: '依法履职',
  fields: peopleRegister().fields.map((field) => ({ ...field, sharingType: field.sharingType === SharingType.NONE ? SharingType.NONE : SharingType.CONDITIONAL })),
});

const SECRET_PHONES = PEOPLE.map((person) => person.phone).filter((phone): phone is string => phone !== null);
const CLEAR_ID_CARDS = PEOPLE.map((person) => person.idCard);
const OUT_OF_SCOPE_NAMES = PEOPLE.filter((person) => person.district !== '440111').map((person) => person.name);

const refusal = (answer: GraphQLResponse) => ({ code: answer.errors?.[0]?.extensions?.code, fields: answer.errors?.[0]?.extensions?.fields, data: answer.data ?? null });

function expectNoneOf(answer: unknown, values: readonly string[]): void {
  const body = JSON.stringify(answer);
  for (const value of values) expect(body).not.toContain(value);
}

describe('exchange leak hunting', () => {
  let gateway: TestGateway;
  let provider: string;
  let tax: string;
  let hrss: string;
  let taxGrant: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    provider = await gateway.client('DG-PSB', 'psb-system');
    tax = await gateway.client('DG-TAX', 'tax-system');
    hrss = await gateway.client('DG-HRSS', 'hrss-system');
    await gateway.dataset('DG-PSB', leakDataset);
    await loadVersion(gateway, 'DG-PSB', 'PSB-LEAK', PEOPLE);
    taxGrant = await grant(gateway, 'DG-PSB', 'DG-TAX', 'PSB-LEAK', { fields: ['idCard', 'name', 'age', 'district'], masked: ['idCard', 'name'], rowScope: { district: { eq: '440111' } } });
    await gateway.get(TypedSchemaRegistry).settled();
  });
  afterAll(() => gateway.close());

  describe('hidden fields', () => {
    it('refuses a hidden field requested through an alias, returning nothing', async () => {
      const answer = await gateway.gql(`{ leaky { nodes { age mobile: phone } } }`, {}, tax);
      expect(refusal(answer)).toEqual({ code: 'FORBIDDEN_FIELDS', fields: ['phone'], data: null });
      expectNoneOf(answer, SECRET_PHONES);
    });

    it('refuses a hidden field requested through a named or an inline fragment', async () => {
      const named = await gateway.gql(`fragment Contact on LeakyRow { phone } { leaky { nodes { age ...Contact } } }`, {}, tax);
      expect(refusal(named)).toEqual({ code: 'FORBIDDEN_FIELDS', fields: ['phone'], data: null });
      const inline = await gateway.gql(`{ leaky { edges { node { ... on LeakyRow { phone } } } } }`, {}, tax);
      expect(refusal(inline)).toEqual({ code: 'FORBIDDEN_FIELDS', fields: ['phone'], data: null });
    });

    it('refuses a hidden field named in a variable', async () => {
      const answer = await gateway.gql(`query($fields: [String!]!) { records(dataset: "PSB-LEAK", fields: $fields) { nodes } }`, { fields: ['age', 'phone'] }, tax);
      expect(refusal(answer)).toEqual({ code: 'FORBIDDEN_FIELDS', fields: ['phone'], data: null });
    });

    it('refuses the whole operation, sibling root fields included', async () => {
      const answer = await gateway.gql(`{ me { label } leaky { nodes { phone } } }`, {}, tax);
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');
    });

    it('answers a refusal the same whether matching rows exist or not', async () => {
      const some = await gateway.gql(`{ records(dataset: "PSB-LEAK", fields: ["phone"], where: { age: { gt: 0 } }) { nodes } }`, {}, hrss);
      const none = await gateway.gql(`{ records(dataset: "PSB-LEAK", fields: ["phone"], where: { age: { gt: 1000 } }) { nodes } }`, {}, hrss);
      expect(some).toEqual(none);
    });
  });

  describe('masked fields', () => {
    it('serves a masked field masked through an alias, a fragment and edges alike', async () => {
      const answer = await gateway.gql<{ leaky: { nodes: Record<string, string>[]; edges: { node: Record<string, string> }[] } }>(
        `fragment Who on LeakyRow { who: name } { leaky { nodes { clear: idCard ...Who } edges { node { idCard ... on LeakyRow { name } } } } }`,
        {},
        tax,
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.leaky.nodes).toEqual([
        { clear: '4401**********5678', who: '王*' },
        { clear: '4401**********7890', who: '赵*' },
      ]);
      expectNoneOf(answer, CLEAR_ID_CARDS);
      expectNoneOf(answer, ['王五', '赵六']);
    });

    it('serves the same masked view through records and through the typed field', async () => {
      const typed = await gateway.gql<{ leaky: { nodes: unknown[] } }>(`{ leaky(orderBy: [{ field: age }]) { nodes { idCard name age district } } }`, {}, tax);
      const generic = await gateway.gql<{ records: { nodes: unknown[] } }>(`{ records(dataset: "PSB-LEAK", fields: ["idCard", "name", "age", "district"], orderBy: [{ field: "age" }]) { nodes } }`, {}, tax);
      expect(typed.data!.leaky.nodes).toEqual(generic.data!.records.nodes);
      expectNoneOf(typed, CLEAR_ID_CARDS);
    });
  });

  describe('filters, sorting, grouping and aggregates as oracles', () => {
    it('refuses where on a hidden field, however deeply nested', async () => {
      const direct = await gateway.gql(`{ records(dataset: "PSB-LEAK", fields: ["age"], where: { phone: { eq: "13700002222" } }) { totalCount } }`, {}, tax);
      expect(refusal(direct)).toEqual({ code: 'FORBIDDEN_FIELDS', fields: ['phone'], data: null });
      const nested = await gateway.gql(`{ records(dataset: "PSB-LEAK", fields: ["age"], where: { _or: [{ age: { gt: 0 } }, { _not: { _and: [{ income: { gt: 1 } }] } }] }) { totalCount } }`, {}, tax);
      expect(refusal(nested)).toEqual({ code: 'FORBIDDEN_FIELDS', fields: ['income'], data: null });
      const typed = await gateway.gql(`{ leaky(where: { _not: { phone: { like: "137%" } } }) { totalCount } }`, {}, tax);
      expect(refusal(typed)).toEqual({ code: 'FORBIDDEN_FIELDS', fields: ['phone'], data: null });
    });

    it('refuses where, orderBy and groupBy on a masked field: they would read it in clear', async () => {
      const where = await gateway.gql(`{ records(dataset: "PSB-LEAK", fields: ["age"], where: { idCard: { like: "440111%" } }) { totalCount } }`, {}, tax);
      expect(refusal(where)).toMatchObject({ code: 'FORBIDDEN_FIELDS', fields: ['idCard'] });
      const orderBy = await gateway.gql(`{ leaky(orderBy: [{ field: name }]) { nodes { age } } }`, {}, tax);
      expect(refusal(orderBy)).toMatchObject({ code: 'FORBIDDEN_FIELDS', fields: ['name'] });
      const groupBy = await gateway.gql(`{ aggregate(dataset: "PSB-LEAK", groupBy: ["name"]) { groups { key count } } }`, {}, tax);
      expect(refusal(groupBy)).toMatchObject({ code: 'FORBIDDEN_FIELDS', fields: ['name'] });
    });

    it('refuses an aggregate over a hidden or masked field', async () => {
      for (const metric of [{ fn: 'MAX', field: 'income' }, { fn: 'COUNT', field: 'phone' }, { fn: 'MIN', field: 'idCard' }]) {
        const answer = await gateway.gql(`query($m: [MetricInput!]) { aggregate(dataset: "PSB-LEAK", metrics: $m) { groups { count } } }`, { m: [metric] }, tax);
        expect(refusal(answer)).toMatchObject({ code: 'FORBIDDEN_FIELDS', fields: [metric.field] });
      }
    });

    it('cannot widen the row scope with _or, or count outside it', async () => {
      const widened = await gateway.gql<{ records: { totalCount: number; nodes: { district: string }[] } }>(
        `{ records(dataset: "PSB-LEAK", fields: ["district"], where: { _or: [{ district: { eq: "440106" } }, { age: { gt: 0 } }] }) { totalCount nodes } }`,
        {},
        tax,
      );
      expect(widened.data!.records.totalCount).toBe(2);
      expect(widened.data!.records.nodes.every((node) => node.district === '440111')).toBe(true);
      const counted = await gateway.gql<{ aggregate: { groups: { count: number }[] } }>(`{ aggregate(dataset: "PSB-LEAK", groupBy: ["district"]) { groups { count } } }`, {}, tax);
      expect(counted.data!.aggregate.groups.map((group) => group.count)).toEqual([2]);
      expectNoneOf(widened, OUT_OF_SCOPE_NAMES);
    });
  });

  describe('cursors', () => {
    it('refuses a cursor taken from another department’s query', async () => {
      const providerPage = await gateway.gql<{ records: { pageInfo: { endCursor: string } } }>(`{ records(dataset: "PSB-LEAK", fields: ["age"], first: 1) { pageInfo { endCursor } } }`, {}, provider);
      const cursor = providerPage.data!.records.pageInfo.endCursor;
      const replayed = await gateway.gql(`query($after: String) { records(dataset: "PSB-LEAK", fields: ["age"], first: 1, after: $after) { nodes } }`, { after: cursor }, tax);
      expect(refusal(replayed)).toMatchObject({ code: 'BAD_USER_INPUT', data: null });
    });

    it('refuses a cursor carried into another filter or order, or edited', async () => {
      const page = await gateway.gql<{ records: { pageInfo: { endCursor: string } } }>(`{ records(dataset: "PSB-LEAK", fields: ["age"], first: 1, orderBy: [{ field: "age" }]) { pageInfo { endCursor } } }`, {}, tax);
      const cursor = page.data!.records.pageInfo.endCursor;
      const otherFilter = await gateway.gql(`query($after: String) { records(dataset: "PSB-LEAK", fields: ["age"], where: { age: { gt: 1 } }, orderBy: [{ field: "age" }], after: $after) { nodes } }`, { after: cursor }, tax);
      expect(refusal(otherFilter).code).toBe('BAD_USER_INPUT');
      const [payload, mac] = cursor.split('.');
      // The position inside is encrypted: nothing to read, and an edit breaks the MAC.
      const position = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { p: string };
      expect(Object.keys(position)).toEqual(['p']);
      expect(Buffer.from(position.p, 'base64url').toString('latin1')).not.toMatch(/"r"|"v"/);
      const forged = `${Buffer.from(JSON.stringify({ p: `${position.p.slice(0, -2)}AA` })).toString('base64url')}.${mac}`;
      const edited = await gateway.gql(`query($after: String) { records(dataset: "PSB-LEAK", fields: ["age"], orderBy: [{ field: "age" }], after: $after) { nodes } }`, { after: forged }, tax);
      expect(refusal(edited).code).toBe('BAD_USER_INPUT');
    });
  });

  describe('error messages', () => {
    it('never quotes a value back, whether input validation or the database refuses it', async () => {
      const phone = SECRET_PHONES[0]!;
      const typeError = await gateway.gql(`query($w: JSON) { records(dataset: "PSB-LEAK", fields: ["age"], where: $w) { nodes } }`, { w: { age: { eq: phone + 'x' } } }, provider);
      expect(typeError.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expectNoneOf(typeError, [phone]);
      const badPattern = await gateway.gql(`query($w: JSON) { records(dataset: "PSB-LEAK", fields: ["age"], where: $w) { nodes } }`, { w: { phone: { like: `${phone}\\` } } }, provider);
      expect(badPattern.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expectNoneOf(badPattern, [phone]);
      const unknownField = await gateway.gql(`query($f: [String!]!) { records(dataset: "PSB-LEAK", fields: $f) { nodes } }`, { f: [phone] }, provider);
      expect(unknownField.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('grants in time', () => {
    it('stops serving an expired grant without anyone acting', async () => {
      const stats = await gateway.client('DG-STATS', 'stats-system');
      await grant(gateway, 'DG-PSB', 'DG-STATS', 'PSB-LEAK', { fields: ['age'], validUntil: new Date(Date.now() + 1500) });
      const during = await gateway.gql(`{ records(dataset: "PSB-LEAK", fields: ["age"]) { totalCount } }`, {}, stats);
      expect(during.errors).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 1700));
      const after = await gateway.gql(`{ records(dataset: "PSB-LEAK", fields: ["age"]) { totalCount } }`, {}, stats);
      expect(refusal(after)).toMatchObject({ code: 'FORBIDDEN_FIELDS', data: null });
      const grants = await gateway.gql<{ grants: { status: string }[] }>(`{ grants(filter: { dataset: "PSB-LEAK", consumer: "DG-STATS" }) { status } }`, {}, provider);
      expect(grants.data!.grants.map((row) => row.status)).toEqual(['EXPIRED']);
    });

    it('stops a consumer mid-session, between two pages, when its grant is revoked', async () => {
      const first = await gateway.gql<{ records: { pageInfo: { endCursor: string } } }>(`{ records(dataset: "PSB-LEAK", fields: ["age"], first: 1) { pageInfo { endCursor } } }`, {}, tax);
      expect(first.errors).toBeUndefined();
      const steward = await gateway.person('DG-PSB', 'steward@psb-leak.test', ['STEWARD' as never]);
      const revoked = await gateway.gql(`mutation($id: ID!) { revokeGrant(id: $id, reason: "核查发现越权使用") { status } }`, { id: taxGrant }, steward);
      expect(revoked.errors).toBeUndefined();
      const next = await gateway.gql(`query($after: String) { records(dataset: "PSB-LEAK", fields: ["age"], first: 1, after: $after) { nodes } }`, { after: first.data!.records.pageInfo.endCursor }, tax);
      expect(refusal(next)).toMatchObject({ code: 'FORBIDDEN_FIELDS', data: null });
      const typed = await gateway.gql(`{ leaky { nodes { age } } }`, {}, tax);
      expect(refusal(typed).code).toBe('FORBIDDEN_FIELDS');
    });
  });

  describe('purpose and end user', () => {
    it('refuses a call without the headers its grant requires, saying which to send, and records them when sent', async () => {
      const health = await gateway.client('DG-HEALTH', 'health-system');
      await grant(gateway, 'DG-PSB', 'DG-HEALTH', 'PSB-LEAK', { fields: ['age'], requirePurpose: true, requireEndUserId: true });
      const bare = await gateway.gql(`{ records(dataset: "PSB-LEAK", fields: ["age"]) { totalCount } }`, {}, health);
      expect(bare.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(bare.errors?.[0]?.message).toMatch(/X-Purpose.*X-User-Id/);
      const sent = await gateway.gql(`{ records(dataset: "PSB-LEAK", fields: ["age"]) { totalCount } }`, {}, health, { 'x-purpose': '出生医学证明核验 2026-0042', 'x-user-id': 'doctor-17' });
      expect(sent.errors).toBeUndefined();
      const db = gateway.app.get<DataSource>(getDataSourceToken() as string);
      const [event] = (await db.query(`select purpose, end_user_id, outcome, grant_ids from audit_event where action = 'records.query' and department = 'DG-HEALTH' order by seq desc limit 1`)) as {
        purpose: string;
        end_user_id: string;
        outcome: string;
        grant_ids: string[];
      }[];
      expect(event).toMatchObject({ purpose: '出生医学证明核验 2026-0042', end_user_id: 'doctor-17', outcome: 'ALLOWED' });
      expect(event!.grant_ids).toHaveLength(1);
    });
  });

  describe('retired datasets', () => {
    it('serve nothing through records, aggregate or the typed field, to anyone', async () => {
      await gateway.get(CatalogueRegistry).retire(await gateway.steward('DG-PSB'), 'PSB-LEAK', 'test');
      await gateway.get(TypedSchemaRegistry).settled();
      for (const credential of [provider, tax]) {
        expect(refusal(await gateway.gql(`{ records(dataset: "PSB-LEAK", fields: ["age"]) { nodes } }`, {}, credential)).code).toBe('NOT_FOUND');
        expect(refusal(await gateway.gql(`{ aggregate(dataset: "PSB-LEAK") { groups { count } } }`, {}, credential)).code).toBe('NOT_FOUND');
        expect(refusal(await gateway.gql(`{ leaky { nodes { age } } }`, {}, credential)).code).toBe('GRAPHQL_VALIDATION_FAILED');
      }
    });
  });
});

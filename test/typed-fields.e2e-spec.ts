import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogueRegistry } from '@causeway/catalogue';
import { TypedSchemaRegistry } from '@causeway/exchange';
import { PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const PEOPLE_QUERY = `query($where: PeopleRegisterWhere, $orderBy: [PeopleRegisterOrder!], $first: Int, $after: String) {
  peopleRegister(where: $where, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    nodes { idCard name age birthDate verified }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface PeoplePage {
  peopleRegister: { totalCount: number; nodes: Record<string, unknown>[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('typed dataset fields', () => {
  let gateway: TestGateway;
  let provider: string;
  let consumer: string;

  const settle = () => gateway.get(TypedSchemaRegistry).settled();

  beforeAll(async () => {
    gateway = await TestGateway.start();
    provider = await gateway.client('DG-PSB', 'psb-system');
    consumer = await gateway.client('DG-TAX', 'tax-system');
    await gateway.dataset('DG-PSB', peopleRegister());
  });
  afterAll(() => gateway.close());

  it('appears on publish without a restart, typed, and serves the same view as records', async () => {
    const before = await gateway.gql(PEOPLE_QUERY, {}, consumer);
    expect(before.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    await loadVersion(gateway, 'DG-PSB', 'PSB-PEOPLE', PEOPLE);
    await settle();
    const typed = await gateway.gql<PeoplePage>(PEOPLE_QUERY, { where: { age: { gte: '30' }, verified: { eq: true } }, orderBy: [{ field: 'age', direction: 'DESC' }] }, consumer);
    expect(typed.errors).toBeUndefined();
    expect(typed.data!.peopleRegister.totalCount).toBe(2);
    expect(typed.data!.peopleRegister.nodes).toEqual([
      { idCard: '4401**********5678', name: '王*', age: 49, birthDate: '1977', verified: true },
      { idCard: '4401**********1234', name: '张*', age: 36, birthDate: '1990', verified: true },
    ]);

    const generic = await gateway.gql<{ records: { nodes: unknown[] } }>(
      `{ records(dataset: "PSB-PEOPLE", fields: ["idCard", "name", "age", "birthDate", "verified"], where: { age: { gte: 30 }, verified: { eq: true } }, orderBy: [{ field: "age", direction: DESC }]) { nodes } }`,
      {},
      consumer,
    );
    expect(generic.data!.records.nodes).toEqual(typed.data!.peopleRegister.nodes);
  });

  it('types its where input and orderBy enum, and pages with cursors', async () => {
    const wrongType = await gateway.gql(PEOPLE_QUERY, { where: { age: { like: '3%' } } }, consumer);
    expect(wrongType.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    const unknownOrder = await gateway.gql(`{ peopleRegister(orderBy: [{ field: salary }]) { totalCount } }`, {}, consumer);
    expect(unknownOrder.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const ages: unknown[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const answer: { data?: PeoplePage | null } = await gateway.gql<PeoplePage>(PEOPLE_QUERY, { orderBy: [{ field: 'age' }], first: 2, after }, consumer);
      ages.push(...answer.data!.peopleRegister.nodes.map((node) => node.age));
      after = answer.data!.peopleRegister.pageInfo.endCursor;
      if (!answer.data!.peopleRegister.pageInfo.hasNextPage) break;
    }
    expect(ages).toEqual([25, 27, 36, 41, 49]);
  });

  it('is introspectable by authenticated callers only, and guarded like every root field', async () => {
    const type = await gateway.gql<{ __type: { fields: { name: string }[] } }>(`{ __type(name: "PeopleRegisterRow") { fields { name } } }`, {}, consumer);
    expect(type.data!.__type.fields.map((field) => field.name)).toContain('idCard');
    // An outsider does not even see a closed dataset's typed field (test/exchange-anonymous.e2e-spec.ts).
    const anonymous = await gateway.gql(`{ peopleRegister { totalCount } }`);
    expect(anonymous.errors?.[0]).toMatchObject({ message: 'Cannot query field "peopleRegister" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(gateway.get(TypedSchemaRegistry).policyOf('peopleRegister')).toEqual({ kind: 'authenticated' });
  });

  it('keeps serving queries in flight while another dataset is published', async () => {
    await gateway.dataset('DG-PSB', peopleRegister({ code: 'PSB-PEOPLE-2', apiName: 'peopleTwo' }));
    const inFlight = Array.from({ length: 40 }, () => gateway.gql<PeoplePage>(PEOPLE_QUERY, { first: 1 }, consumer));
    const publishing = loadVersion(gateway, 'DG-PSB', 'PSB-PEOPLE-2', PEOPLE);
    const answers = await Promise.all(inFlight);
    await publishing;
    expect(answers.every((answer) => answer.errors === undefined && answer.data!.peopleRegister.totalCount === 5)).toBe(true);
    await settle();
    const second = await gateway.gql<{ peopleTwo: { totalCount: number } }>(`{ peopleTwo { totalCount } }`, {}, provider);
    expect(second.data!.peopleTwo.totalCount).toBe(5);
  });

  it('disappears on retire, and a query still naming it is refused', async () => {
    await gateway.get(CatalogueRegistry).retire(await gateway.steward('DG-PSB'), 'PSB-PEOPLE-2', 'replaced');
    await settle();
    const gone = await gateway.gql(`{ peopleTwo { totalCount } }`, {}, provider);
    expect(gone.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const generic = await gateway.gql(`{ records(dataset: "PSB-PEOPLE-2", fields: ["age"]) { nodes } }`, {}, provider);
    expect(generic.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

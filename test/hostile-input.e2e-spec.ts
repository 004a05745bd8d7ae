import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '@causeway/core';
import pg from 'pg';
import { grant, PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway, type HttpResponse } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const NUL = 'PSB\u0000PEOPLE';
const NOT_A_UUID = "1' or '1'='1";
const HUGE = 'x'.repeat(9 * 1024 * 1024);
const REGISTER = (title: string, code = 'PSB-NEW') =>
  `mutation($v: String!) { registerDataset(input: { code: "${code}", title: ${title}, summary: "s", category: "c", updateCycle: DAILY, sharingType: UNCONDITIONAL, openType: CLOSED, fields: [{ name: "a", title: "a", type: STRING }] }) { code } }`;

type Who = 'admin' | 'steward' | 'auditor' | 'consumer';

interface GraphQLCase {
  threat: string;
  who: Who;
  query: string;
  variables?: Record<string, unknown>;
  /** The argument the answer must name, at the start of its message. */
  field: string;
}

const sending =
  (value: unknown) =>
  (entry: Omit<GraphQLCase, 'variables'>): GraphQLCase => ({
    ...entry,
    variables: { v: value },
  });

/** NUL bytes reach PostgreSQL text, which refuses them: each was an INTERNAL_SERVER_ERROR. */
const NUL_CASES: GraphQLCase[] = (
  [
    {
      threat: 'a NUL in records(dataset:)',
      who: 'consumer',
      query: 'query($v: String!) { records(dataset: $v, fields: ["age"]) { nodes } }',
      field: 'dataset',
    },
    {
      threat: 'a NUL in aggregate(dataset:)',
      who: 'consumer',
      query: 'query($v: String!) { aggregate(dataset: $v) { suppressedGroups } }',
      field: 'dataset',
    },
    {
      threat: 'a NUL in dataset(code:)',
      who: 'consumer',
      query: 'query($v: String!) { dataset(code: $v) { code } }',
      field: 'code',
    },
    {
      threat: 'a NUL in the catalogue search',
      who: 'consumer',
      query: 'query($v: String) { datasets(filter: { search: $v }) { totalCount } }',
      field: 'filter.search',
    },
    {
      threat: 'a NUL in an access request’s purpose',
      who: 'consumer',
      query: 'mutation($v: String!) { requestAccess(input: { dataset: "PSB-PEOPLE", fields: ["age"], purpose: $v }) { id } }',
      field: 'input.purpose',
    },
    {
      threat: 'a NUL in the access requests filter',
      who: 'consumer',
      query: 'query($v: String) { accessRequests(filter: { dataset: $v }) { totalCount } }',
      field: 'filter.dataset',
    },
    {
      threat: 'a NUL in the grants filter',
      who: 'consumer',
      query: 'query($v: String) { grants(filter: { dataset: $v }) { id } }',
      field: 'filter.dataset',
    },
    {
      threat: 'a NUL in the audit filter',
      who: 'auditor',
      query: 'query($v: String) { auditEvents(filter: { principal: $v }) { totalCount } }',
      field: 'filter.principal',
    },
    {
      threat: 'a NUL in a new department’s name',
      who: 'admin',
      query: 'mutation($v: String!) { createDepartment(input: { code: "DG-NUL", name: $v }) { code } }',
      field: 'input.name',
    },
    {
      threat: 'a NUL in a new dataset’s title',
      who: 'steward',
      query: REGISTER('$v'),
      field: 'input.title',
    },
    {
      threat: 'a NUL in a dataset update',
      who: 'steward',
      query: 'mutation($v: String!) { updateDataset(code: "PSB-PEOPLE", input: { summary: $v }) { code } }',
      field: 'input.summary',
    },
    {
      threat: 'a NUL in a field definition',
      who: 'steward',
      query: 'mutation($v: String!) { defineFields(dataset: "PSB-PEOPLE", fields: [{ name: "a", title: $v, type: STRING }]) { code } }',
      field: 'fields[0].title',
    },
    {
      threat: 'a NUL in publishVersion(dataset:)',
      who: 'steward',
      query: 'mutation($v: String!) { publishVersion(dataset: $v, version: 1) { code } }',
      field: 'dataset',
    },
    {
      threat: 'a NUL in a where-filter value',
      who: 'consumer',
      query: 'query($v: String!) { records(dataset: "PSB-PEOPLE", fields: ["age"], where: { district: { eq: $v } }) { nodes } }',
      field: 'where.district.eq',
    },
  ] satisfies Omit<GraphQLCase, 'variables'>[]
).map(sending(NUL));

/** ids that are not UUIDs reached `where id = $1` on uuid columns (500) or came back echoed in NOT_FOUND. */
const ID_CASES: GraphQLCase[] = (
  [
    {
      threat: 'a malformed id in accessRequest(id:)',
      who: 'consumer',
      query: 'query($v: ID!) { accessRequest(id: $v) { id } }',
      field: 'id',
    },
    {
      threat: 'a malformed id in grant(id:)',
      who: 'consumer',
      query: 'query($v: ID!) { grant(id: $v) { id } }',
      field: 'id',
    },
    {
      threat: 'a malformed id in approveAccessRequest',
      who: 'steward',
      query: 'mutation($v: ID!) { approveAccessRequest(id: $v) { id } }',
      field: 'id',
    },
    {
      threat: 'a malformed id in rejectAccessRequest',
      who: 'steward',
      query: 'mutation($v: ID!) { rejectAccessRequest(id: $v, reason: "r") { id } }',
      field: 'id',
    },
    {
      threat: 'a malformed id in withdrawAccessRequest',
      who: 'consumer',
      query: 'mutation($v: ID!) { withdrawAccessRequest(id: $v) { id } }',
      field: 'id',
    },
    {
      threat: 'a malformed id in revokeGrant',
      who: 'steward',
      query: 'mutation($v: ID!) { revokeGrant(id: $v, reason: "r") { id } }',
      field: 'id',
    },
    {
      threat: 'a malformed id in revokeSystemClient',
      who: 'admin',
      query: 'mutation($v: ID!) { revokeSystemClient(id: $v) { id } }',
      field: 'id',
    },
  ] satisfies Omit<GraphQLCase, 'variables'>[]
).map(sending(NOT_A_UUID));

/** Numbers and times outside what the API (or PostgreSQL) can take. */
const RANGE_CASES: GraphQLCase[] = [
  {
    threat: 'a negative page size',
    who: 'consumer',
    query: 'query($v: Int) { records(dataset: "PSB-PEOPLE", fields: ["age"], first: $v) { nodes } }',
    variables: { v: -1 },
    field: 'first',
  },
  {
    threat: 'a page size beyond int32',
    who: 'consumer',
    query: 'query($v: Int) { records(dataset: "PSB-PEOPLE", fields: ["age"], first: $v) { nodes } }',
    variables: { v: 2 ** 31 },
    field: 'first',
  },
  {
    threat: 'a negative page size of the change history (was silently clamped)',
    who: 'consumer',
    query: 'query($v: Int!) { dataset(code: "PSB-PEOPLE") { history(first: $v) { at } } }',
    variables: { v: -5 },
    field: 'first',
  },
  {
    threat: 'an audit period before year 1 (PostgreSQL 22008)',
    who: 'auditor',
    query: 'query($v: DateTime) { auditEvents(filter: { from: $v }) { totalCount } }',
    variables: { v: '-010000-01-01T00:00:00Z' },
    field: 'filter.from',
  },
  {
    threat: 'an audit summary period before year 1',
    who: 'auditor',
    query: 'query($v: DateTime) { auditSummary(groupBy: [DAY], from: $v) { events } }',
    variables: { v: '-010000-01-01T00:00:00Z' },
    field: 'from',
  },
  {
    threat: 'a requested validUntil in year 275760',
    who: 'consumer',
    query: 'mutation($v: DateTime) { requestAccess(input: { dataset: "PSB-PEOPLE", fields: ["age"], purpose: "p", validUntil: $v }) { id } }',
    variables: { v: '+275760-09-13T00:00:00Z' },
    field: 'input.validUntil',
  },
  {
    threat: 'an API key expiring before year 1',
    who: 'admin',
    query: 'mutation($v: DateTime) { createSystemClient(input: { department: "GZ-DATA", name: "expiring", expiresAt: $v }) { key } }',
    variables: { v: '-010000-01-01T00:00:00Z' },
    field: 'input.expiresAt',
  },
];

/** Arguments far larger than any real one, which came back whole in the error. */
const SIZE_CASES: GraphQLCase[] = [
  {
    threat: 'a 9 MB dataset code (was echoed back in NOT_FOUND)',
    who: 'consumer',
    query: 'query($v: String!) { records(dataset: $v, fields: ["age"]) { nodes } }',
    variables: { v: HUGE },
    field: 'dataset',
  },
  {
    threat: 'a 100,000-character literal dataset code',
    who: 'consumer',
    query: `{ dataset(code: "${'y'.repeat(100_000)}") { code } }`,
    field: 'code',
  },
  {
    threat: 'an oversized groupBy entry',
    who: 'consumer',
    query: 'query($v: [String!]) { aggregate(dataset: "PSB-PEOPLE", groupBy: $v) { suppressedGroups } }',
    variables: { v: ['z'.repeat(20_000)] },
    field: 'groupBy[0]',
  },
  {
    threat: 'a groupBy that is not a field name',
    who: 'consumer',
    query: 'query($v: [String!]) { aggregate(dataset: "PSB-PEOPLE", groupBy: $v) { suppressedGroups } }',
    variables: { v: ['age', `x" ; drop table x; --${'q'.repeat(500)}`] },
    field: 'groupBy[1]',
  },
  {
    threat: 'a where-filter list of 20,000 values',
    who: 'consumer',
    query: 'query($v: JSON) { records(dataset: "PSB-PEOPLE", fields: ["age"], where: $v) { nodes } }',
    variables: {
      v: {
        district: {
          in: Array.from({ length: 20_000 }, (_, index) => String(index)),
        },
      },
    },
    field: 'where.district.in',
  },
  {
    threat: 'a requested field that is not a field name (kept in the grant and the audit trail)',
    who: 'consumer',
    query: 'mutation($v: [String!]!) { requestAccess(input: { dataset: "PSB-PEOPLE", fields: $v, purpose: "p" }) { id } }',
    variables: { v: ['age', `age') or 1=1 --${'r'.repeat(300)}`] },
    field: 'input.fields',
  },
];

/** Over the operation limits: the documented QUERY_TOO_COMPLEX, never a 500 or a generic validation code. */
const COMPLEXITY_CASES: { threat: string; query: string }[] = [
  {
    threat: 'too many aliases',
    query: `{ ${Array.from({ length: 40 }, (_, index) => `a${index}: me { id }`).join(' ')} }`,
  },
  {
    threat: 'too many directives',
    query: `{ me ${'@include(if: true) '.repeat(25)}{ id } }`,
  },
  {
    threat: 'too costly',
    query: '{ datasets(first: 1000) { nodes { fields { name } versions { version } history(first: 500) { at } } } }',
  },
  {
    threat: 'too many tokens (was a 500)',
    query: `{ ${Array.from({ length: 6_000 }, () => '__typename').join(' ')} }`,
  },
];

describe('hostile input: every client mistake is a 4xx naming the argument, never a 500 or an echo', () => {
  let gateway: TestGateway;
  let superuser: pg.Client;
  const keys = {} as Record<Who, string>;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    superuser = new pg.Client({ connectionString: gateway.databaseUrl });
    await superuser.connect();
    keys.admin = await gateway.person('GZ-DATA', 'admin@hostile.test', [Role.ADMIN]);
    keys.auditor = await gateway.person('GZ-DATA', 'auditor@hostile.test', [Role.AUDITOR]);
    keys.steward = await gateway.person('DG-PSB', 'steward@hostile.test', [Role.STEWARD]);
    keys.consumer = await gateway.client('DG-TAX', 'tax-system');
    await gateway.dataset('DG-PSB', peopleRegister());
    await loadVersion(gateway, 'DG-PSB', 'PSB-PEOPLE', PEOPLE);
    await grant(gateway, 'DG-PSB', 'DG-TAX', 'PSB-PEOPLE', {
      fields: ['age', 'district'],
    });
  });
  afterAll(async () => {
    await superuser.end();
    await gateway.close();
  });

  const post = (who: Who | null, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<HttpResponse> =>
    gateway.http('POST', '/graphql', {
      headers: {
        'content-type': 'application/json',
        ...(who ? { authorization: `Bearer ${keys[who]}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });

  /** No run of more than 64 characters the caller sent comes back. */
  const expectNoEcho = (body: string, sent: unknown[]) => {
    for (const value of sent) if (typeof value === 'string' && value.length > 64) expect(body).not.toContain(value.slice(0, 65));
    expect(body).not.toMatch(/(\S)\1{64}/);
  };

  // Refused before the operation runs: HTTP 400; a resolver's refusal (a field name) is a GraphQL error in a 200.
  it.each([...NUL_CASES, ...ID_CASES, ...RANGE_CASES, ...SIZE_CASES].map((entry) => [entry.threat, entry] as const))(
    '%s is BAD_USER_INPUT naming the argument',
    async (_threat, entry) => {
      const response = await post(entry.who, entry.query, entry.variables);
      expect(response.status).toBeLessThan(500);
      const errors =
        response.json<{
          errors?: { message: string; extensions?: { code?: string } }[];
        }>().errors ?? [];
      expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(errors[0]?.message.startsWith(`${entry.field}: `)).toBe(true);
      expect(response.body.length).toBeLessThan(2_000);
      expectNoEcho(response.body, [...Object.values(entry.variables ?? {}).flat(), entry.query]);
    },
  );

  it('a refusal before the operation runs is on the audit record, without the argument', async () => {
    await post('consumer', NUL_CASES[0]!.query, { v: NUL }, { 'x-request-id': 'hostile-nul' });
    const { rows } = await superuser.query<{
      action: string;
      outcome: string;
      reason: string;
    }>('select action, outcome, reason from audit_event where request_id = $1', ['hostile-nul']);
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'graphql.rejected',
        outcome: 'DENIED',
      }),
    ]);
    expect(rows[0]!.reason).toMatch(/^BAD_USER_INPUT: dataset: must not contain NUL/);
  });

  it('well-formed ids and values still reach the resolvers (NOT_FOUND, not a refusal)', async () => {
    const missing = await post('consumer', 'query($v: ID!) { accessRequest(id: $v) { id } }', { v: '00000000-0000-4000-8000-000000000000' });
    expect(missing.json<{ errors: { extensions: { code: string } }[] }>().errors[0]!.extensions.code).toBe('NOT_FOUND');
    const served = await post('consumer', 'query($v: String!) { records(dataset: $v, fields: ["age"], first: 1000) { nodes } }', { v: 'PSB-PEOPLE' });
    expect(served.json<{ errors?: unknown }>().errors).toBeUndefined();
  });

  it('an enum literal of 2,000 characters is refused without being repeated, in the answer or on the audit record', async () => {
    const response = await post('consumer', `{ records(dataset: "PSB-PEOPLE", fields: ["age"], orderBy: [{ field: "age", direction: ${'D'.repeat(2_000)} }]) { nodes } }`, {}, { 'x-request-id': 'hostile-enum' });
    expect(response.status).toBe(400);
    expectNoEcho(response.body, ['D'.repeat(2_000)]);
    const { rows } = await superuser.query<{ reason: string }>('select reason from audit_event where request_id = $1', ['hostile-enum']);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.reason).not.toContain('D'.repeat(65));
  });

  it('a variable of the wrong type holding a long spaced text is not repeated (Apollo quotes the value)', async () => {
    const spaced = Array.from({ length: 3_000 }, (_, index) => `w${index}`).join(' ');
    const response = await post('consumer', 'query($v: Int) { records(dataset: "PSB-PEOPLE", fields: ["age"], first: $v) { nodes } }', { v: spaced });
    expect(response.status).toBe(400);
    expect(response.body).not.toContain(spaced.slice(0, 65));
  });

  it.each(COMPLEXITY_CASES.map((entry) => [entry.threat, entry] as const))('an operation %s is refused with QUERY_TOO_COMPLEX', async (_threat, entry) => {
    const response = await post('consumer', entry.query);
    expect(response.status).toBe(400);
    const errors = response.json<{
      errors: { message: string; extensions: { code: string } }[];
    }>().errors;
    expect(errors[0]!.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(errors[0]!.message).toMatch(/limit|tokens/);
  });

  it.each([
    ['a NUL in an upload’s dataset code', 'POST', '/api/v1/datasets/PSB%00PEOPLE/versions', {}, 400, 'code'],
    ['a NUL in an upload’s filename parameter', 'POST', '/api/v1/datasets/PSB-PEOPLE/versions?filename=a%00.csv', {}, 400, 'filename'],
    [
      'a NUL in an upload’s Content-Disposition file name',
      'POST',
      '/api/v1/datasets/PSB-PEOPLE/versions',
      { 'content-disposition': "attachment; filename*=UTF-8''a%00.csv" },
      400,
      'Content-Disposition',
    ],
    ['an over-long path parameter (was echoed whole)', 'POST', `/api/v1/datasets/${'X'.repeat(5_000)}/versions`, {}, 414, 'path'],
    ['a NUL in an open-data download name', 'GET', '/open/datasets/a%00b.csv', {}, 400, 'file'],
  ] as const)('REST: %s is a 4xx naming it', async (_threat, method, url, headers, status, field) => {
    const response = await gateway.http(method, url, {
      headers: {
        'content-type': 'text/csv',
        authorization: `Bearer ${keys.steward}`,
        ...headers,
      },
      body: method === 'POST' ? 'idCard\n1\n' : undefined,
    });
    expect(response.status).toBe(status);
    expect(response.json<{ error: { code: string; field: string } }>().error).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expectNoEcho(response.body, [url]);
  });

  it('REST: a NUL in a CKAN parameter is CKAN’s 409 Validation Error naming it', async () => {
    const response = await gateway.http('GET', '/api/3/action/package_show?id=a%00b');
    expect(response.status).toBe(409);
    expect(response.json()).toMatchObject({
      success: false,
      error: { __type: 'Validation Error', id: [expect.stringMatching(/NUL/)] },
    });
  });

  it('REST: a CKAN lookup of a 5,000-character id is a 404 that repeats only a short prefix of it', async () => {
    const sent = 'r'.repeat(5_000);
    for (const url of [`/api/3/action/datastore_search?resource_id=${sent}`, `/api/3/action/package_show?id=${sent}`]) {
      const response = await gateway.http('GET', url);
      expect(response.status).toBe(404);
      expect(response.json()).toMatchObject({ success: false, error: { __type: 'Not Found Error' } });
      expect(response.body).not.toContain('r'.repeat(100));
    }
  });
});

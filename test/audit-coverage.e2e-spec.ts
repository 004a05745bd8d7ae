import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OpenType, SharingType } from '@causeway/catalogue';
import { Role } from '@causeway/core';
import pg from 'pg';
import { PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

interface EventRow {
  action: string;
  outcome: string;
  principal: string;
  department: string | null;
  provider_department: string | null;
  client_ip: string | null;
  request_id: string;
  purpose: string | null;
  end_user_id: string | null;
  dataset: string | null;
  version: number | null;
  fields_requested: string[];
  fields_clear: string[];
  fields_masked: string[];
  fields_refused: string[];
  rows_returned: string | null;
  row_scope: string | null;
  grant_ids: string[];
  grant_versions: number[];
  reason: string | null;
  duration_ms: number | null;
}

const conditional = peopleRegister({
  code: 'PSB-COND',
  apiName: 'peopleCond',
  sharingType: SharingType.CONDITIONAL,
  sharingCondition: '用于依法履职的身份核验',
  fields: peopleRegister().fields.map((field) => ({ ...field, sharingType: field.sharingType === SharingType.NONE ? SharingType.NONE : SharingType.CONDITIONAL })),
});

/**
 * Every kind of exchange that exists leaves exactly one event, with the fields §6 lists. Each
 * request carries its own X-Request-Id; the test reads the events of that id.
 */
describe('audit coverage: one event per exchange, of every kind', () => {
  let gateway: TestGateway;
  let db: pg.Client;
  let taxSystem: string;
  let psbSteward: string;
  let taxSteward: string;
  let amrSteward: string;
  let counter = 0;

  const rid = (label: string) => `${label}-${Date.now().toString(36)}-${(counter += 1)}`;
  const eventsOf = async (requestId: string): Promise<EventRow[]> =>
    (await db.query<EventRow>('select * from audit_event where request_id = $1 order by seq', [requestId])).rows;
  const gql = <T>(query: string, variables: Record<string, unknown>, credential: string | undefined, requestId: string, headers: Record<string, string> = {}) =>
    gateway.gql<T>(query, variables, credential, { 'x-request-id': requestId, ...headers });

  beforeAll(async () => {
    gateway = await TestGateway.start();
    db = new pg.Client({ connectionString: gateway.databaseUrl });
    await db.connect();
    psbSteward = await gateway.person('DG-PSB', 'steward@psb.cov.test', [Role.STEWARD]);
    taxSteward = await gateway.person('DG-TAX', 'steward@tax.cov.test', [Role.STEWARD]);
    amrSteward = await gateway.person('DG-AMR', 'steward@amr.cov.test', [Role.STEWARD]);
    taxSystem = await gateway.client('DG-TAX', 'tax-system');
    await gateway.dataset('DG-PSB', peopleRegister());
    await loadVersion(gateway, 'DG-PSB', 'PSB-PEOPLE', PEOPLE);
    await gateway.dataset('DG-PSB', conditional);
    await loadVersion(gateway, 'DG-PSB', 'PSB-COND', PEOPLE);
    await gateway.dataset('DG-PSB', peopleRegister({ code: 'PSB-OPEN', apiName: 'peopleOpen', openType: OpenType.OPEN }));
    await loadVersion(gateway, 'DG-PSB', 'PSB-OPEN', PEOPLE);
  });
  afterAll(async () => {
    await db.end();
    await gateway.close();
  });

  it('records: who, from where, why, what was asked, how each field was served, how many rows', async () => {
    const id = rid('records');
    const answer = await gql<{ records: { nodes: unknown[] } }>(
      '{ records(dataset: "PSB-PEOPLE", fields: ["idCard", "district", "age"], where: { age: { gte: 30 } }, orderBy: [{ field: "age" }]) { nodes } }',
      {},
      taxSystem,
      id,
      { 'x-purpose': '个税专项附加扣除核验', 'x-user-id': 'clerk-17' },
    );
    expect(answer.errors).toBeUndefined();
    const events = await eventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'records.query',
      outcome: 'ALLOWED',
      principal: 'client:DG-TAX/tax-system',
      department: 'DG-TAX',
      provider_department: 'DG-PSB',
      request_id: id,
      purpose: '个税专项附加扣除核验',
      end_user_id: 'clerk-17',
      dataset: 'PSB-PEOPLE',
      version: 1,
      fields_masked: ['idCard'],
      fields_refused: [],
      rows_returned: String(answer.data!.records.nodes.length),
    });
    expect(events[0]!.client_ip).toBeTruthy();
    expect([...events[0]!.fields_requested].sort()).toEqual(['age', 'district', 'idCard']);
    expect([...events[0]!.fields_clear].sort()).toEqual(['age', 'district']);
    expect(events[0]!.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('a typed dataset query', async () => {
    const id = rid('typed');
    const answer = await gql<{ peopleRegister: { nodes: unknown[] } }>('{ peopleRegister(first: 2) { nodes { district age } } }', {}, taxSystem, id);
    expect(answer.errors).toBeUndefined();
    expect(await eventsOf(id)).toMatchObject([{ action: 'records.query', outcome: 'ALLOWED', dataset: 'PSB-PEOPLE', rows_returned: '2' }]);
  });

  it('an aggregate', async () => {
    const id = rid('aggregate');
    const answer = await gql('{ aggregate(dataset: "PSB-PEOPLE", groupBy: ["district"], metrics: [{ fn: COUNT }]) { groups { key count } } }', {}, taxSystem, id);
    expect(answer.errors).toBeUndefined();
    expect(await eventsOf(id)).toMatchObject([{ action: 'aggregate.query', outcome: 'ALLOWED', dataset: 'PSB-PEOPLE', fields_requested: ['district'] }]);
  });

  it('a query refused for a field it may not read: DENIED, the refused fields named, no rows', async () => {
    const id = rid('denied');
    const answer = await gql('{ records(dataset: "PSB-PEOPLE", fields: ["name", "phone"]) { nodes } }', {}, taxSystem, id);
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');
    expect(await eventsOf(id)).toMatchObject([{ action: 'records.query', outcome: 'DENIED', dataset: 'PSB-PEOPLE', fields_refused: ['phone'], rows_returned: '0', reason: expect.stringContaining('FORBIDDEN_FIELDS') }]);
  });

  it('the access workflow: request, approve (grant), read under the grant with its id and version, revoke; reject and withdraw', async () => {
    const requestId = rid('request');
    const requested = await gql<{ requestAccess: { id: string } }>(
      'mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }',
      { input: { dataset: 'PSB-COND', fields: ['idCard', 'district', 'age'], purpose: '核验', useScope: '本局' } },
      taxSteward,
      requestId,
    );
    expect(requested.errors).toBeUndefined();
    expect(await eventsOf(requestId)).toMatchObject([{ action: 'access.request', outcome: 'ALLOWED', dataset: 'PSB-COND', department: 'DG-TAX', provider_department: 'DG-PSB' }]);

    const approveId = rid('approve');
    const approved = await gql<{ approveAccessRequest: { grant: { id: string } } }>(
      'mutation($id: ID!, $input: ApproveAccessRequestInput) { approveAccessRequest(id: $id, input: $input) { grant { id } } }',
      { id: requested.data!.requestAccess.id, input: { masked: ['idCard'], rowScope: { district: { eq: '440106' } } } },
      psbSteward,
      approveId,
    );
    expect(approved.errors).toBeUndefined();
    const grantId = approved.data!.approveAccessRequest.grant.id;
    expect(await eventsOf(approveId)).toMatchObject([{ action: 'access.approve', outcome: 'ALLOWED', dataset: 'PSB-COND', department: 'DG-PSB' }]);

    const readId = rid('read-granted');
    const read = await gql<{ records: { nodes: unknown[] } }>('{ records(dataset: "PSB-COND", fields: ["idCard", "age"]) { nodes } }', {}, taxSystem, readId, { 'x-purpose': '核验' });
    expect(read.errors).toBeUndefined();
    const [event] = await eventsOf(readId);
    expect(event).toMatchObject({ action: 'records.query', outcome: 'ALLOWED', grant_ids: [grantId], fields_masked: ['idCard'], fields_clear: ['age'] });
    expect(event!.grant_versions[0]).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(event!.row_scope!)).toEqual({ district: { eq: '440106' } });

    const revokeId = rid('revoke');
    const revoked = await gql(`mutation { revokeGrant(id: "${grantId}", reason: "no longer needed") { id } }`, {}, psbSteward, revokeId);
    expect(revoked.errors).toBeUndefined();
    expect(await eventsOf(revokeId)).toMatchObject([{ action: 'grant.revoke', outcome: 'ALLOWED', dataset: 'PSB-COND' }]);

    const second = await gql<{ requestAccess: { id: string } }>(
      'mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }',
      { input: { dataset: 'PSB-COND', fields: ['age'], purpose: '统计' } },
      taxSteward,
      rid('request'),
    );
    const rejectId = rid('reject');
    await gql(`mutation { rejectAccessRequest(id: "${second.data!.requestAccess.id}", reason: "无依据") { id } }`, {}, psbSteward, rejectId);
    expect(await eventsOf(rejectId)).toMatchObject([{ action: 'access.reject', outcome: 'ALLOWED', reason: '无依据' }]);

    const third = await gql<{ requestAccess: { id: string } }>(
      'mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }',
      { input: { dataset: 'PSB-COND', fields: ['district'], purpose: '统计' } },
      taxSteward,
      rid('request'),
    );
    const withdrawId = rid('withdraw');
    await gql(`mutation { withdrawAccessRequest(id: "${third.data!.requestAccess.id}") { id } }`, {}, taxSteward, withdrawId);
    expect(await eventsOf(withdrawId)).toMatchObject([{ action: 'access.withdraw', outcome: 'ALLOWED' }]);
  });

  it('an upload of a new version (published at once), and its refusal for another department’s steward', async () => {
    await gateway.dataset('DG-AMR', {
      ...peopleRegister({ code: 'AMR-UPLOAD', apiName: 'amrUpload' }),
      fields: [{ name: 'code', title: '代码', type: 'STRING' as never, isKey: true, nullable: false }],
    });
    const id = rid('upload');
    const uploaded = await gateway.http('POST', '/api/v1/datasets/AMR-UPLOAD/versions?publish=true', {
      headers: { authorization: `Bearer ${amrSteward}`, 'content-type': 'text/csv', 'x-request-id': id },
      body: 'code\nA1\nA2\n',
    });
    expect(uploaded.status).toBe(201);
    // ?publish=true publishes inside the load's transaction: the upload's event covers both.
    expect(await eventsOf(id)).toMatchObject([{ action: 'ingest.upload', outcome: 'ALLOWED', dataset: 'AMR-UPLOAD', version: 1, department: 'DG-AMR', provider_department: 'DG-AMR' }]);

    const refusedId = rid('upload-refused');
    const refused = await gateway.http('POST', '/api/v1/datasets/AMR-UPLOAD/versions', {
      headers: { authorization: `Bearer ${psbSteward}`, 'content-type': 'text/csv', 'x-request-id': refusedId },
      body: 'code\nX\n',
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await eventsOf(refusedId)).toMatchObject([{ outcome: 'DENIED', department: 'DG-PSB' }]);
  });

  it('open-data pulls: a download and a datastore search, anonymous', async () => {
    const downloadId = rid('download');
    const download = await gateway.http('GET', '/open/datasets/PSB-OPEN.csv', { headers: { 'x-request-id': downloadId } });
    expect(download.status).toBe(200);
    expect(await eventsOf(downloadId)).toMatchObject([{ outcome: 'ALLOWED', principal: 'anonymous', dataset: 'PSB-OPEN', provider_department: 'DG-PSB' }]);

    const show = await gateway.http('GET', '/api/3/action/package_show?id=PSB-OPEN');
    const resource = show.json<{ result: { resources: { id: string }[] } }>().result.resources[0]!.id;
    const searchId = rid('datastore');
    const search = await gateway.http('GET', `/api/3/action/datastore_search?resource_id=${resource}&limit=2`, { headers: { 'x-request-id': searchId } });
    expect(search.status).toBe(200);
    expect(await eventsOf(searchId)).toMatchObject([{ outcome: 'ALLOWED', principal: 'anonymous', dataset: 'PSB-OPEN', rows_returned: '2' }]);
  });

  it('fails closed on a data query: without the audit INSERT privilege the query answers AUDIT_UNAVAILABLE and no rows', async () => {
    await db.query('revoke insert on audit_event from causeway_audit_writer');
    try {
      const answer = await gateway.gql<{ records: { nodes: unknown[] } | null }>('{ records(dataset: "PSB-PEOPLE", fields: ["district", "age"]) { nodes } }', {}, taxSystem);
      expect(answer.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
      expect(answer.data?.records ?? null).toBeNull();
      expect(JSON.stringify(answer)).not.toContain('440106');
      const download = await gateway.http('GET', '/open/datasets/PSB-OPEN.csv');
      expect(download.status).toBe(503);
      expect(download.body).not.toContain('440106');
    } finally {
      await db.query('grant insert on audit_event to causeway_audit_writer');
    }
    const again = await gateway.gql<{ records: { nodes: unknown[] } }>('{ records(dataset: "PSB-PEOPLE", fields: ["district"]) { nodes } }', {}, taxSystem);
    expect(again.data?.records.nodes.length).toBe(5);
  });
});

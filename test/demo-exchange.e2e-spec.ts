import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TypedSchemaRegistry } from '@causeway/exchange';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEMO_PASSWORD } from '../apps/gateway/src/seed/demo-data.js';
import { DemoSeeder } from '../apps/gateway/src/seed/demo-seeder.js';
import { TestGateway } from './support/gateway.js';

/**
 * The README's walkthrough on the demo city, step by step: 天河区市场监管局 discovers the
 * conditional household register of 市公安局, requests access, the provider's steward approves it
 * with masks, a row scope and a required purpose, and the consumer's system reads exactly the
 * granted view, by records and by the typed field.
 */
describe('the demo city: a governed exchange from request to rows', () => {
  let gateway: TestGateway;
  let consumerSteward: string;
  let providerSteward: string;
  let consumerSystem: string;

  const login = async (email: string) =>
    (await gateway.gql<{ login: { token: string } }>('mutation($input: LoginInput!) { login(input: $input) { token } }', { input: { email, password: DEMO_PASSWORD } })).data!.login.token;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.get(DemoSeeder).seed();
    await gateway.get(TypedSchemaRegistry).settled();
    consumerSteward = await login('steward.tianhe-amr@causeway.demo');
    providerSteward = await login('steward.psb@causeway.demo');
    const credentials = JSON.parse(await readFile(path.join(gateway.dataDir, 'demo-credentials.json'), 'utf8')) as { clients: { name: string; key: string }[] };
    consumerSystem = credentials.clients.find((client) => client.name === 'tianhe-amr-system')!.key;
  }, 120_000);
  afterAll(() => gateway.close());

  it('walks the README: discover, request, approve with masks and a row scope, read the granted view', async () => {
    const discovered = await gateway.gql<{ dataset: { sharingType: string; myAccess: { fields: { field: string; access: string }[] } } }>(
      `{ dataset(code: "PSB-HOUSEHOLD") { sharingType myAccess { fields { field access } } } }`,
      {},
      consumerSystem,
    );
    expect(discovered.data!.dataset.sharingType).toBe('CONDITIONAL');
    expect(discovered.data!.dataset.myAccess.fields.every((field) => field.access === 'DENIED')).toBe(true);

    const requested = await gateway.gql<{ requestAccess: { id: string; status: string } }>(
      `mutation { requestAccess(input: { dataset: "PSB-HOUSEHOLD", fields: ["idCard", "name", "district", "birthDate"],
         purpose: "市场主体登记中核验法定代表人身份", useScope: "本局登记系统", legalBasis: "《市场主体登记管理条例》" }) { id status } }`,
      {},
      consumerSteward,
    );
    expect(requested.errors).toBeUndefined();
    const id = requested.data!.requestAccess.id;

    const waiting = await gateway.gql<{ accessRequests: { nodes: { id: string; overdue: boolean }[] } }>(`{ accessRequests(filter: { status: PENDING }) { nodes { id overdue } } }`, {}, providerSteward);
    expect(waiting.data!.accessRequests.nodes).toEqual([{ id, overdue: false }]);

    const approved = await gateway.gql<{ approveAccessRequest: { status: string; grant: { fields: { field: string; access: string }[] } } }>(
      `mutation($id: ID!) { approveAccessRequest(id: $id, input: { fields: ["idCard", "name", "district"], masked: ["idCard", "name"],
         rowScope: { district: { eq: "天河区" } }, validUntil: "2030-12-31T16:00:00Z", requirePurpose: true }) { status grant { fields { field access } } } }`,
      { id },
      providerSteward,
    );
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveAccessRequest.status).toBe('APPROVED');

    const withoutPurpose = await gateway.gql(`{ records(dataset: "PSB-HOUSEHOLD", fields: ["idCard", "name", "district"], first: 10) { nodes } }`, {}, consumerSystem);
    expect(withoutPurpose.errors?.[0]?.message).toMatch(/X-Purpose/);

    const headers = { 'x-purpose': '（2026）穗天市监登字第0042号' };
    const records = await gateway.gql<{ records: { nodes: { idCard: string; name: string; district: string }[]; totalCount: number } }>(
      `{ records(dataset: "PSB-HOUSEHOLD", fields: ["idCard", "name", "district"], first: 10) { nodes totalCount } }`,
      {},
      consumerSystem,
      headers,
    );
    expect(records.errors).toBeUndefined();
    expect(records.data!.records.totalCount).toBeGreaterThan(0);
    for (const node of records.data!.records.nodes) {
      expect(node.district).toBe('天河区');
      expect(node.idCard).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
      expect(node.name).toMatch(/^.\*+$/u);
    }
    const typed = await gateway.gql<{ householdRegistration: { nodes: unknown[] } }>(`{ householdRegistration(first: 10) { nodes { idCard name district } } }`, {}, consumerSystem, headers);
    expect(typed.data!.householdRegistration.nodes).toEqual(records.data!.records.nodes);

    const birthDate = await gateway.gql(`{ householdRegistration(first: 1) { nodes { birthDate } } }`, {}, consumerSystem, headers);
    expect(birthDate.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN_FIELDS', fields: ['birthDate'] });
  });
});

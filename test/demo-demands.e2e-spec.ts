import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_PASSWORD } from '../apps/gateway/src/seed/demo-data.js';
import { DemoSeeder } from '../apps/gateway/src/seed/demo-seeder.js';
import { TestGateway } from './support/gateway.js';

/** A newcomer to the demo city finds demands (需求清单) in every state, and seeding twice adds none. */
describe('the demo city’s demands', () => {
  let gateway: TestGateway;

  const login = async (email: string) =>
    (await gateway.gql<{ login: { token: string } }>('mutation($input: LoginInput!) { login(input: $input) { token } }', { input: { email, password: DEMO_PASSWORD } })).data!.login.token;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.get(DemoSeeder).seed();
  }, 120_000);
  afterAll(() => gateway.close());

  it('has one demand in each state, each with its history, and a second seeding adds none', async () => {
    const admin = await login('admin@causeway.demo');
    const QUERY = `{ demands(first: 50) { totalCount nodes { title status requesterDepartmentCode providerDepartmentCode datasetCode declineReason plannedBy history { action } } } }`;
    const listed = await gateway.gql<{ demands: { totalCount: number; nodes: { title: string; status: string; datasetCode: string | null; history: { action: string }[] }[] } }>(QUERY, {}, admin);
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.demands.nodes.map((node) => node.status).sort()).toEqual(['ASSIGNED', 'DECLINED', 'LINKED', 'PLANNED', 'SUBMITTED']);
    const linked = listed.data!.demands.nodes.find((node) => node.status === 'LINKED')!;
    expect(linked.datasetCode).toBe('AMR-ENT-REG');
    expect(linked.history.map((step) => step.action)).toEqual(['SUBMITTED', 'ASSIGNED', 'LINKED']);

    // The tax bureau's steward sees its own two demands only.
    const tax = await gateway.gql<{ demands: { nodes: { requesterDepartmentCode: string }[] } }>(QUERY, {}, await login('steward.tax@causeway.demo'));
    expect(tax.data!.demands.nodes.map((node) => node.requesterDepartmentCode)).toEqual(['DG-TAX', 'DG-TAX']);

    await gateway.get(DemoSeeder).seed();
    const again = await gateway.gql<{ demands: { totalCount: number } }>(QUERY, {}, admin);
    expect(again.data!.demands.totalCount).toBe(5);
  });
});

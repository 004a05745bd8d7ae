import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_PASSWORD } from '../apps/gateway/src/seed/demo-data.js';
import { DemoSeeder } from '../apps/gateway/src/seed/demo-seeder.js';
import { TestGateway } from './support/gateway.js';

/** A newcomer to the demo city finds objections (校核纠错) in different states and disputed records, and seeding twice adds none. */
describe('the demo city’s objections', () => {
  let gateway: TestGateway;

  const login = async (email: string) =>
    (await gateway.gql<{ login: { token: string } }>('mutation($input: LoginInput!) { login(input: $input) { token } }', { input: { email, password: DEMO_PASSWORD } })).data!.login.token;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.get(DemoSeeder).seed();
  }, 180_000);
  afterAll(() => gateway.close());

  it('has open, confirmed, rejected and public objections, their records disputed while open, and a second seeding adds none', async () => {
    const admin = await login('admin@causeway.demo');
    const QUERY = `{ objections(first: 50) { totalCount nodes { datasetCode objector status records history { action } } } }`;
    const listed = await gateway.gql<{ objections: { totalCount: number; nodes: { datasetCode: string; objector: string; status: string; records: Record<string, string>[] }[] } }>(QUERY, {}, admin);
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.objections.nodes.map((node) => `${node.objector}:${node.datasetCode}:${node.status}`).sort()).toEqual([
      'DG-HRSS:AMR-ENT-REG:CONFIRMED',
      'DG-TAX:AMR-ENT-REG:OPEN',
      'DG-TAX:AMR-PENALTY:REJECTED',
      'PUBLIC:HEALTH-INSTITUTIONS:OPEN',
    ]);

    // The enterprise registry's first two rows are disputed (one open, one confirmed but not yet corrected).
    const rows = await gateway.gql<{ records: { nodes: Record<string, unknown>[] } }>(`{ records(dataset: "AMR-ENT-REG", fields: ["creditCode"], first: 3) { nodes } }`, {}, admin);
    expect(rows.data!.records.nodes.map((node) => node._disputed === true)).toEqual([true, true, false]);

    await gateway.get(DemoSeeder).seed();
    const again = await gateway.gql<{ objections: { totalCount: number } }>(QUERY, {}, admin);
    expect(again.data!.objections.totalCount).toBe(4);
  });
});

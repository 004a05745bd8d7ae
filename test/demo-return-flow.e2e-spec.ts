import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_PASSWORD } from '../apps/gateway/src/seed/demo-data.js';
import { DemoSeeder } from '../apps/gateway/src/seed/demo-seeder.js';
import { TestGateway } from './support/gateway.js';

/** A newcomer to the demo city finds a return flow (数据回流): each district office reads its own district's spot checks. */
describe('the demo city’s return flow', () => {
  let gateway: TestGateway;

  const login = async (email: string) =>
    (await gateway.gql<{ login: { token: string } }>('mutation($input: LoginInput!) { login(input: $input) { token } }', { input: { email, password: DEMO_PASSWORD } })).data!.login.token;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.get(DemoSeeder).seed();
  }, 120_000);
  afterAll(() => gateway.close());

  it('returns AMR-SPOT-CHECKS to the three district offices, each reading its own division only, and a second seeding adds none', async () => {
    const FLOWS = `{ returnFlows { datasetCode consumerDepartmentCodes status grants { consumerDepartmentCode } } }`;
    const city = await gateway.gql<{ returnFlows: { datasetCode: string; consumerDepartmentCodes: string[]; status: string; grants: unknown[] }[] }>(FLOWS, {}, await login('steward.amr@causeway.demo'));
    expect(city.errors).toBeUndefined();
    expect(city.data!.returnFlows).toEqual([{ datasetCode: 'AMR-SPOT-CHECKS', consumerDepartmentCodes: ['HZ-AMR', 'TH-AMR', 'YX-AMR'], status: 'ACTIVE', grants: expect.any(Array) }]);
    expect(city.data!.returnFlows[0]!.grants).toHaveLength(3);

    for (const [slug, division] of [['tianhe-amr', '440106'], ['yuexiu-amr', '440104'], ['haizhu-amr', '440105']] as const) {
      const read = await gateway.gql<{ records: { totalCount: number; nodes: { divisionCode: string; inspector: string }[] } }>(
        `{ records(dataset: "AMR-SPOT-CHECKS", fields: ["checkNo", "divisionCode", "inspector"], first: 500) { totalCount nodes } }`,
        {},
        await login(`steward.${slug}@causeway.demo`),
      );
      expect(read.errors).toBeUndefined();
      expect(read.data!.records.totalCount).toBeGreaterThan(0);
      expect(read.data!.records.nodes.every((row) => row.divisionCode === division && row.inspector.includes('*'))).toBe(true);
    }

    await gateway.get(DemoSeeder).seed();
    const again = await gateway.gql<{ returnFlows: unknown[] }>(FLOWS, {}, await login('steward.amr@causeway.demo'));
    expect(again.data!.returnFlows).toHaveLength(1);
  });
});

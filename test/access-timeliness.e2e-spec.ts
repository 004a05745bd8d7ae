import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SharingType } from '@causeway/catalogue';
import { Role } from '@causeway/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const REQUEST = `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }`;
const STATISTICS = `query($from: DateTime, $to: DateTime) {
  accessRequestStatistics(from: $from, to: $to) {
    providerDepartmentCode received pending overdue approved rejected withdrawn answered answeredInTime answeredLate
    medianAnswerWorkingDays averageAnswerWorkingDays maxAnswerWorkingDays
  }
}`;
const OVERDUE = `{ overdueItems { kind id subject responsible requesterDepartmentCode workingDaysOverdue } }`;

interface Statistics {
  providerDepartmentCode: string;
  received: number;
  pending: number;
  overdue: number;
  answered: number;
  answeredInTime: number;
  answeredLate: number;
  maxAnswerWorkingDays: number | null;
}

describe('answer times of access requests (办理时效) for those who oversee them', () => {
  let gateway: TestGateway;
  let db: DataSource;
  let psbSteward: string;
  let cityAuditor: string;
  let overdueId: string;

  const request = async (credential: string, fields: string[]): Promise<string> => {
    const result = await gateway.gql<{ requestAccess: { id: string } }>(REQUEST, { input: { dataset: 'PSB-TIMELY', fields, purpose: '依法履职核验' } }, credential);
    expect(result.errors).toBeUndefined();
    return result.data!.requestAccess.id;
  };

  beforeAll(async () => {
    gateway = await TestGateway.start();
    db = gateway.app.get<DataSource>(getDataSourceToken() as string);
    psbSteward = await gateway.person('DG-PSB', 'steward@psb.test', [Role.STEWARD]);
    cityAuditor = await gateway.person('GZ-DATA', 'auditor@data.test', [Role.AUDITOR]);
    await gateway.dataset('DG-PSB', peopleRegister({ code: 'PSB-TIMELY', apiName: 'psbTimely', sharingType: SharingType.CONDITIONAL, sharingCondition: '依法履职' }));
    await loadVersion(gateway, 'DG-PSB', 'PSB-TIMELY', PEOPLE);
    const tax = await gateway.person('DG-TAX', 'steward@tax.test', [Role.STEWARD]);
    const hrss = await gateway.person('DG-HRSS', 'steward@hrss.test', [Role.STEWARD]);
    const edu = await gateway.person('DG-EDU', 'steward@edu.test', [Role.STEWARD]);

    // Answered in time, the next day.
    const onTime = await request(tax, ['name']);
    await gateway.gql('mutation($id: ID!) { approveAccessRequest(id: $id) { id } }', { id: onTime }, psbSteward);
    await db.query(`update access_request set created_at = decided_at - interval '1 day', deadline = decided_at + interval '13 days' where id = $1`, [onTime]);
    // Answered late: filed three weeks before the answer, due a week before it.
    const late = await request(hrss, ['name']);
    await gateway.gql('mutation($id: ID!) { rejectAccessRequest(id: $id, reason: "依据不足") { id } }', { id: late }, psbSteward);
    await db.query(`update access_request set created_at = decided_at - interval '21 days', deadline = decided_at - interval '7 days' where id = $1`, [late]);
    // Still waiting, past its deadline.
    overdueId = await request(edu, ['name']);
    await db.query(`update access_request set created_at = now() - interval '20 days', deadline = now() - interval '5 days' where id = $1`, [overdueId]);
  });
  afterAll(() => gateway.close());

  it('a city auditor sees every provider: answered in time and late, pending and overdue, and the working days answers took', async () => {
    const result = await gateway.gql<{ accessRequestStatistics: Statistics[] }>(STATISTICS, {}, cityAuditor);
    expect(result.errors).toBeUndefined();
    const psb = result.data!.accessRequestStatistics.find((row) => row.providerDepartmentCode === 'DG-PSB')!;
    expect(psb).toMatchObject({ received: 3, pending: 1, overdue: 1, answered: 2, answeredInTime: 1, answeredLate: 1 });
    // Three weeks are 15 working days, less at most a holiday week's 5.
    expect(psb.maxAnswerWorkingDays).toBeGreaterThanOrEqual(10);

    const overdue = await gateway.gql<{ overdueItems: { kind: string; id: string; responsible: string; requesterDepartmentCode: string }[] }>(OVERDUE, {}, cityAuditor);
    expect(overdue.errors).toBeUndefined();
    expect(overdue.data!.overdueItems.find((item) => item.id === overdueId)).toMatchObject({ kind: 'ACCESS_REQUEST', responsible: 'DG-PSB', requesterDepartmentCode: 'DG-EDU' });
  });

  it('a period that ends before the requests were filed counts none of them', async () => {
    const result = await gateway.gql<{ accessRequestStatistics: Statistics[] }>(STATISTICS, { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' }, cityAuditor);
    expect(result.data!.accessRequestStatistics).toEqual([]);
    const backwards = await gateway.gql(STATISTICS, { from: '2020-02-01T00:00:00Z', to: '2020-01-01T00:00:00Z' }, cityAuditor);
    expect(backwards.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("a department's auditor sees only requests touching its department; a steward its own; an analyst nothing", async () => {
    const eduAuditor = await gateway.person('DG-EDU', 'auditor@edu.test', [Role.AUDITOR]);
    const edu = await gateway.gql<{ accessRequestStatistics: Statistics[] }>(STATISTICS, {}, eduAuditor);
    expect(edu.data!.accessRequestStatistics).toEqual([expect.objectContaining({ providerDepartmentCode: 'DG-PSB', received: 1, overdue: 1, answered: 0 })]);
    const eduOverdue = await gateway.gql<{ overdueItems: { id: string }[] }>(OVERDUE, {}, eduAuditor);
    expect(eduOverdue.data!.overdueItems.map((item) => item.id)).toEqual([overdueId]);

    const outsider = await gateway.person('DG-HEALTH', 'auditor@health.test', [Role.AUDITOR]);
    expect((await gateway.gql<{ accessRequestStatistics: Statistics[] }>(STATISTICS, {}, outsider)).data!.accessRequestStatistics).toEqual([]);
    expect((await gateway.gql<{ overdueItems: unknown[] }>(OVERDUE, {}, outsider)).data!.overdueItems).toEqual([]);

    const provider = await gateway.gql<{ accessRequestStatistics: Statistics[] }>(STATISTICS, {}, psbSteward);
    expect(provider.data!.accessRequestStatistics).toEqual([expect.objectContaining({ providerDepartmentCode: 'DG-PSB', received: 3 })]);

    const analyst = await gateway.person('GZ-DATA', 'analyst@data.test', [Role.ANALYST]);
    const refused = await gateway.gql(STATISTICS, {}, analyst);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.data ?? null).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';
import { AccessModule, AccessService } from '@causeway/access';
import { SharingType } from '@causeway/catalogue';
import { CausewayError, ErrorCode, Role, type RequestContext } from '@causeway/core';
import { GrantsService, PolicyService } from '@causeway/policy';
import { peopleRegister } from '../support/exchange-fixtures.js';
import { actor, publishedDataset } from './support/fixtures.js';
import { MediumDatabase } from './support/medium.js';

const CODE = 'PSB-COND';

/** The access workflow service against PostgreSQL: a request, its approval, the grant it makes and what policy then serves. */
describe('AccessService: request → approve creates a grant', () => {
  let database: MediumDatabase;
  let app: TestingModule;
  let psbSteward: RequestContext;
  let taxSteward: RequestContext;
  let taxSystem: RequestContext;

  beforeAll(async () => {
    database = await MediumDatabase.clone();
    app = await database.start([AccessModule]);
    psbSteward = await actor(app, 'DG-PSB', [Role.STEWARD]);
    taxSteward = await actor(app, 'DG-TAX', [Role.STEWARD], '440106');
    taxSystem = await actor(app, 'DG-TAX', [Role.CONSUMER]);
    await publishedDataset(
      app,
      psbSteward,
      peopleRegister({
        code: CODE,
        apiName: 'peopleCond',
        sharingType: SharingType.CONDITIONAL,
        sharingCondition: '用于依法履职的身份核验',
        fields: peopleRegister().fields.map((field) => ({ ...field, sharingType: field.sharingType === SharingType.NONE ? SharingType.NONE : SharingType.CONDITIONAL })),
      }),
    );
  });
  afterAll(() => database.close());

  it('records the request, approves it narrowed and masked into a grant, and policy serves exactly that grant', async () => {
    const access = app.get(AccessService);
    const policy = app.get(PolicyService);
    const dataset = (await policy.dataset(CODE))!;
    const read = () => policy.plan(taxSystem, dataset, { mode: 'records', select: ['idCard', 'age'], clear: ['age'] });
    await expect(read()).rejects.toBeInstanceOf(CausewayError);

    const requested = await access.requestAccess(taxSteward, { dataset: CODE, fields: ['idCard', 'name', 'age'], purpose: '个税专项附加扣除核验' });
    expect(requested).toMatchObject({ status: 'PENDING', grantId: null, fields: ['idCard', 'name', 'age'] });
    await expect(access.requestAccess(taxSteward, { dataset: CODE, fields: ['age'], purpose: '再次申请' })).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    // Only the provider's steward answers.
    await expect(access.approve(taxSteward, requested.id)).rejects.toBeInstanceOf(CausewayError);

    const approved = await access.approve(psbSteward, requested.id, { fields: ['idCard', 'age'], masked: ['idCard'] });
    expect(approved).toMatchObject({ status: 'APPROVED', decidedBy: psbSteward.principal.label });
    const grant = (await app.get(GrantsService).byId(approved.grantId!))!;
    expect(grant).toMatchObject({
      accessRequestId: requested.id,
      consumerDepartmentCode: 'DG-TAX',
      datasetCode: CODE,
      status: 'ACTIVE',
      fields: [
        { field: 'idCard', access: 'MASKED' },
        { field: 'age', access: 'CLEAR' },
      ],
    });
    expect((await access.historyOf(requested.id)).map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED']);

    const plan = await read();
    expect(plan.grantIds).toEqual([grant.id]);
    expect(plan.fields.map((field) => [field.name, field.level])).toEqual([
      ['idCard', 'MASKED'],
      ['age', 'CLEAR'],
    ]);
    // The field approval left out stays closed.
    await expect(policy.plan(taxSystem, dataset, { mode: 'records', select: ['name'], clear: [] })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN_FIELDS });

    const events = await database.query<{ action: string; outcome: string }>(`select action, outcome from audit_event where action like 'access.%' order by seq`);
    expect(events).toEqual([
      { action: 'access.request', outcome: 'ALLOWED' },
      { action: 'access.approve', outcome: 'ALLOWED' },
    ]);
  });
});

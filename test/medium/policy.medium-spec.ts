import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { SharingType } from '@causeway/catalogue';
import { CausewayError, ErrorCode, Role, type RequestContext } from '@causeway/core';
import { ChangeFeed } from '@causeway/database';
import { GrantsService, PolicyModule, PolicyService, type NewGrant, type PolicyDataset } from '@causeway/policy';
import { filter, firstValueFrom } from 'rxjs';
import type { DataSource } from 'typeorm';
import { peopleRegister } from '../support/exchange-fixtures.js';
import { actor, publishedDataset } from './support/fixtures.js';
import { MediumDatabase } from './support/medium.js';

const CODE = 'PSB-COND';
const conditional = peopleRegister({
  code: CODE,
  apiName: 'peopleCond',
  sharingType: SharingType.CONDITIONAL,
  sharingCondition: '用于依法履职的身份核验',
  fields: peopleRegister().fields.map((field) => ({ ...field, sharingType: field.sharingType === SharingType.NONE ? SharingType.NONE : SharingType.CONDITIONAL })),
});
const READ = { mode: 'records' as const, select: ['idCard', 'age'], clear: [] };

/** The fields a refused plan names (every field it asked for when no source serves the department). */
async function refused(plan: Promise<unknown>): Promise<string[]> {
  const error = await plan.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CausewayError);
  expect((error as CausewayError).code).toBe(ErrorCode.FORBIDDEN_FIELDS);
  return (error as CausewayError).extensions.fields as string[];
}

/**
 * Policy decisions follow grants in the database: two Nest contexts on one database stand for two
 * gateway processes, each with its own caches and change feed.
 */
describe('PolicyService and GrantsService on PostgreSQL', () => {
  let database: MediumDatabase;
  let writer: TestingModule;
  let reader: TestingModule;
  let steward: RequestContext;
  let consumer: RequestContext;

  const datasetIn = async (app: TestingModule): Promise<PolicyDataset> => (await app.get(PolicyService).dataset(CODE))!;
  const planIn = async (app: TestingModule) => app.get(PolicyService).plan(consumer, await datasetIn(app), READ);
  /** Resolves when `app` hears that the consumer's grants changed (its caches have dropped them by then). */
  const grantsNoticeIn = (app: TestingModule) => firstValueFrom(app.get(ChangeFeed).keysOf('grants').pipe(filter((key) => key === consumer.principal.departmentId)));

  async function grant(spec: Partial<Omit<NewGrant, 'dataset' | 'consumerDepartmentId'>> = {}): Promise<string> {
    const dataset = await datasetIn(writer);
    const created = await writer.get<DataSource>(getDataSourceToken() as string).transaction((tx) =>
      writer.get(GrantsService).create(tx, steward, {
        dataset,
        consumerDepartmentId: consumer.principal.departmentId!,
        accessRequestId: null,
        fields: ['idCard', 'age', 'district'],
        masked: ['idCard'],
        rowScope: { district: { eq: { $consumer: 'divisionCode' } } },
        purpose: '个税核验',
        useScope: null,
        legalBasis: null,
        validUntil: null,
        aggregateOnly: false,
        requirePurpose: false,
        requireEndUserId: false,
        ...spec,
      }),
    );
    return created.id;
  }

  async function revoke(id: string): Promise<void> {
    await writer.get<DataSource>(getDataSourceToken() as string).transaction((tx) => writer.get(GrantsService).revoke(tx, steward, id, '核验结束'));
  }

  beforeAll(async () => {
    database = await MediumDatabase.clone();
    writer = await database.start([PolicyModule]);
    reader = await database.start([PolicyModule]);
    steward = await actor(writer, 'DG-PSB', [Role.STEWARD]);
    consumer = await actor(writer, 'DG-TAX', [Role.CONSUMER], '440106');
    await publishedDataset(writer, steward, conditional);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  afterAll(() => database.close());

  it('denies a conditional dataset to a department without a grant, in every process', async () => {
    expect(await refused(planIn(writer))).toEqual(READ.select);
    expect(await refused(planIn(reader))).toEqual(READ.select);
    const view = await reader.get(PolicyService).myAccess(consumer, await datasetIn(reader));
    expect(view.fields.every((field) => field.access === 'DENIED')).toBe(true);
  });

  it('serves a new grant at once where it was made, and elsewhere when its notice arrives', async () => {
    const cached = await reader.get(PolicyService).accessFor(consumer, await datasetIn(reader));
    expect(await reader.get(PolicyService).accessFor(consumer, await datasetIn(reader))).toBe(cached);
    const heard = grantsNoticeIn(reader);

    const id = await grant();

    // The writing process reads its own write without waiting for PostgreSQL's notice.
    const plan = await planIn(writer);
    expect(plan.grantIds).toEqual([id]);
    // The same query under the same access is planned once.
    expect(await planIn(writer)).toBe(plan);
    expect(plan.fields.map((field) => [field.name, field.level])).toEqual([
      ['idCard', 'MASKED'],
      ['age', 'CLEAR'],
    ]);
    // The stored scope kept {"$consumer": "divisionCode"}; the plan resolved it for this consumer.
    expect(plan.rowScope).toEqual({ kind: 'cmp', field: 'district', op: 'eq', value: '440106' });

    await heard;
    expect(await reader.get(PolicyService).accessFor(consumer, await datasetIn(reader))).not.toBe(cached);
    expect((await planIn(reader)).grantIds).toEqual([id]);
    // A field the grant does not give is still refused, by name.
    expect(await refused(reader.get(PolicyService).plan(consumer, await datasetIn(reader), { mode: 'records', select: ['age', 'name'], clear: [] }))).toEqual(['name']);

    const revoked = grantsNoticeIn(reader);
    await revoke(id);
    expect(await refused(planIn(writer))).toEqual(READ.select);
    await revoked;
    expect(await refused(planIn(reader))).toEqual(READ.select);
  });

  it('stops serving a grant the moment it expires, with no notice', async () => {
    const validUntil = new Date(Date.now() + 10_000);
    const heard = grantsNoticeIn(reader);
    const id = await grant({ validUntil });
    await heard;
    const access = await reader.get(PolicyService).accessFor(consumer, await datasetIn(reader));
    expect(access.expiresAt).toBe(validUntil.getTime());
    expect((await planIn(reader)).grantIds).toEqual([id]);

    // The clock passes validUntil; the cached grants are still within their 30 s backstop.
    jest.spyOn(Date, 'now').mockReturnValue(validUntil.getTime() + 1);
    expect(await refused(planIn(reader))).toEqual(READ.select);
    const view = await reader.get(PolicyService).myAccess(consumer, await datasetIn(reader));
    expect(view.grantIds).toEqual([]);
  });
});

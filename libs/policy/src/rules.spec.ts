import { describe, expect, it } from '@jest/globals';
import { DatasetStatus, FieldType, MaskType, OpenType, Sensitivity, SharingType } from '@causeway/catalogue';
import { CausewayError, ErrorCode, Role } from '@causeway/core';
import { evaluate } from './conditions.js';
import { AccessLevel, buildDatasetAccess, describeAccess, planRead, type PolicyDataset, type PolicyGrant, type PolicySubject, type ReadRequest } from './rules.js';

const PROVIDER = 'dept-provider';
const CONSUMER = 'dept-consumer';
const NOW = Date.parse('2026-03-01T00:00:00Z');

function dataset(overrides: Partial<PolicyDataset> = {}): PolicyDataset {
  return {
    id: 'ds-1',
    code: 'PSB-POP',
    providerDepartmentId: PROVIDER,
    sharingType: SharingType.UNCONDITIONAL,
    openType: OpenType.CLOSED,
    status: DatasetStatus.PUBLISHED,
    currentVersionId: 'v1',
    fields: [
      { name: 'code', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC, sharingType: SharingType.UNCONDITIONAL, mask: MaskType.NONE },
      { name: 'district', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL, sharingType: SharingType.UNCONDITIONAL, mask: MaskType.NONE },
      { name: 'idCard', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, sharingType: SharingType.UNCONDITIONAL, mask: MaskType.ID_CARD },
      { name: 'income', type: FieldType.DECIMAL, sensitivity: Sensitivity.INTERNAL, sharingType: SharingType.CONDITIONAL, mask: MaskType.NONE },
      { name: 'phone', type: FieldType.STRING, sensitivity: Sensitivity.SECRET, sharingType: SharingType.NONE, mask: MaskType.NONE },
    ],
    ...overrides,
  };
}

const reader = (departmentId: string | null, roles: Role[] = [Role.CONSUMER]): PolicySubject => ({
  kind: departmentId ? 'CLIENT' : 'ANONYMOUS',
  departmentId,
  departmentCode: departmentId ? departmentId.toUpperCase() : null,
  divisionCode: '440106',
  roles,
});

function grant(overrides: Partial<PolicyGrant> = {}): PolicyGrant {
  return {
    id: 'g1',
    datasetId: 'ds-1',
    consumerDepartmentId: CONSUMER,
    fields: [
      { field: 'code', access: AccessLevel.CLEAR },
      { field: 'income', access: AccessLevel.CLEAR },
      { field: 'idCard', access: AccessLevel.MASKED },
    ],
    rowScope: null,
    validFrom: new Date(NOW - 1000),
    validUntil: null,
    revokedAt: null,
    aggregateOnly: false,
    requirePurpose: false,
    requireEndUserId: false,
    version: 1,
    ...overrides,
  };
}

const records = (select: string[], clear: string[] = [], extra: Partial<ReadRequest> = {}): ReadRequest => ({ mode: 'records', select, clear, hasPurpose: false, hasEndUserId: false, ...extra });

function refusal(run: () => unknown): { code: ErrorCode; fields?: string[]; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CausewayError);
    const problem = error as CausewayError;
    return { code: problem.code, fields: problem.extensions.fields as string[] | undefined, message: problem.message };
  }
  throw new Error('expected a refusal');
}

const levels = (access: ReturnType<typeof describeAccess>) => Object.fromEntries(access.fields.map((field) => [field.field, field.access]));

describe('policy rules (ARCHITECTURE §3)', () => {
  it('rule 1: denies by default — no grant, no rows', () => {
    const access = buildDatasetAccess(reader(CONSUMER), dataset({ sharingType: SharingType.CONDITIONAL }), [], NOW);
    expect(levels(describeAccess(access))).toEqual({ code: 'DENIED', district: 'DENIED', idCard: 'DENIED', income: 'DENIED', phone: 'DENIED' });
    expect(refusal(() => planRead(access, records(['code']))).code).toBe(ErrorCode.FORBIDDEN_FIELDS);
  });

  it('rule 2: unconditional datasets give PUBLIC/INTERNAL in clear, SENSITIVE masked, SECRET never', () => {
    const access = buildDatasetAccess(reader(CONSUMER), dataset(), [], NOW);
    expect(levels(describeAccess(access))).toEqual({ code: 'CLEAR', district: 'CLEAR', idCard: 'MASKED', income: 'DENIED', phone: 'DENIED' });
    const plan = planRead(access, records(['code', 'idCard']));
    expect(plan.fields.map((field) => [field.name, field.level, field.mask])).toEqual([
      ['code', 'CLEAR', MaskType.REDACT],
      ['idCard', 'MASKED', MaskType.ID_CARD],
    ]);
    expect(plan.rowScope.kind).toBe('true');
  });

  it('rule 3: conditional datasets only under an active grant, exactly its fields, rows and validity', () => {
    const conditional = dataset({ sharingType: SharingType.CONDITIONAL, fields: dataset().fields.map((f) => ({ ...f, sharingType: f.sharingType === SharingType.NONE ? f.sharingType : SharingType.CONDITIONAL })) });
    const scoped = grant({ rowScope: { district: { eq: { $consumer: 'divisionCode' } } }, validUntil: new Date(NOW + 60_000) });
    const access = buildDatasetAccess(reader(CONSUMER), conditional, [scoped], NOW);
    expect(levels(describeAccess(access))).toEqual({ code: 'CLEAR', district: 'DENIED', idCard: 'MASKED', income: 'CLEAR', phone: 'DENIED' });
    expect(describeAccess(access).rowScope).toEqual({ district: { eq: '440106' } });
    expect(access.expiresAt).toBe(NOW + 60_000);
    const plan = planRead(access, records(['code', 'idCard']));
    expect(plan.grantIds).toEqual(['g1']);
    expect(plan.rowScope).toEqual({ kind: 'cmp', field: 'district', op: 'eq', value: '440106' });
    // The scope field itself is not granted: filtering on it is refused like reading it.
    expect(refusal(() => planRead(access, records(['code'], ['district']))).fields).toEqual(['district']);
    // Row by row: the consumer's district only, idCard masked there.
    expect(evaluate(plan.rowScope, { district: '440106' }, access.fieldTypes)).toBe(true);
    expect(evaluate(plan.rowScope, { district: '440111' }, access.fieldTypes)).toBe(false);
    expect(plan.fields.map((field) => [field.name, field.level])).toEqual([
      ['code', 'CLEAR'],
      ['idCard', 'MASKED'],
    ]);

    for (const stale of [grant({ validUntil: new Date(NOW - 1) }), grant({ revokedAt: new Date(NOW - 1) }), grant({ validFrom: new Date(NOW + 1000) }), grant({ consumerDepartmentId: 'other' })]) {
      expect(levels(describeAccess(buildDatasetAccess(reader(CONSUMER), conditional, [stale], NOW))).code).toBe('DENIED');
    }
  });

  it('rule 4: NONE datasets and SECRET fields only for the provider, whatever a grant says', () => {
    const none = dataset({ sharingType: SharingType.NONE });
    const overreaching = grant({ fields: [{ field: 'code', access: AccessLevel.CLEAR }, { field: 'phone', access: AccessLevel.CLEAR }] });
    expect(levels(describeAccess(buildDatasetAccess(reader(CONSUMER), none, [overreaching], NOW))).code).toBe('DENIED');
    const shared = buildDatasetAccess(reader(CONSUMER), dataset(), [overreaching], NOW);
    expect(levels(describeAccess(shared)).phone).toBe('DENIED');
    expect(refusal(() => planRead(shared, records(['phone']))).fields).toEqual(['phone']);
  });

  it('rule 5: the provider reads its own datasets in full, SECRET included', () => {
    const access = buildDatasetAccess(reader(PROVIDER, [Role.STEWARD]), dataset({ sharingType: SharingType.NONE }), [], NOW);
    expect(Object.values(levels(describeAccess(access)))).toEqual(['CLEAR', 'CLEAR', 'CLEAR', 'CLEAR', 'CLEAR']);
    // ...but only principals that read data: an auditor of the provider reads nothing.
    expect(Object.values(levels(describeAccess(buildDatasetAccess(reader(PROVIDER, [Role.AUDITOR]), dataset(), [], NOW))))).not.toContain('CLEAR');
  });

  it('rule 6: anonymous callers read OPEN datasets’ PUBLIC fields only', () => {
    expect(levels(describeAccess(buildDatasetAccess(reader(null, []), dataset({ openType: OpenType.OPEN }), [], NOW)))).toEqual({
      code: 'CLEAR',
      district: 'DENIED',
      idCard: 'DENIED',
      income: 'DENIED',
      phone: 'DENIED',
    });
    expect(Object.values(levels(describeAccess(buildDatasetAccess(reader(null, []), dataset(), [], NOW))))).not.toContain('CLEAR');
  });

  it('rule 7: filtering, sorting, grouping or aggregating on a masked field is refused', () => {
    const access = buildDatasetAccess(reader(CONSUMER), dataset(), [], NOW);
    const refused = refusal(() => planRead(access, records(['code'], ['idCard'])));
    expect(refused).toMatchObject({ code: ErrorCode.FORBIDDEN_FIELDS, fields: ['idCard'] });
    expect(refused.message).toMatch(/needs it in clear/);
    expect(refusal(() => planRead(access, { ...records([], ['idCard']), mode: 'aggregate' })).fields).toEqual(['idCard']);
  });

  it('rule 8: a query naming any field it may not read is refused whole, naming exactly those fields', () => {
    const access = buildDatasetAccess(reader(CONSUMER), dataset(), [], NOW);
    expect(refusal(() => planRead(access, records(['code', 'income', 'phone'])))).toMatchObject({ code: ErrorCode.FORBIDDEN_FIELDS, fields: ['income', 'phone'] });
  });

  it('never lets a retired dataset serve anyone, the provider included', () => {
    const retired = dataset({ status: DatasetStatus.RETIRED, openType: OpenType.OPEN });
    for (const who of [reader(PROVIDER), reader(CONSUMER), reader(null, [])]) {
      expect(Object.values(levels(describeAccess(buildDatasetAccess(who, retired, [grant()], NOW))))).not.toContain('CLEAR');
    }
  });

  it('combines grants cell by cell: a field is clear only in rows a clear grant admits', () => {
    const wide = grant({ id: 'wide', fields: [{ field: 'code', access: AccessLevel.CLEAR }, { field: 'idCard', access: AccessLevel.MASKED }] });
    const narrow = grant({ id: 'narrow', fields: [{ field: 'code', access: AccessLevel.CLEAR }, { field: 'idCard', access: AccessLevel.CLEAR }], rowScope: { district: { eq: '440106' } } });
    const conditional = dataset({ sharingType: SharingType.CONDITIONAL });
    const plan = planRead(buildDatasetAccess(reader(CONSUMER), conditional, [wide, narrow], NOW), records(['code', 'idCard']));
    expect(plan.rowScope.kind).toBe('true');
    expect(plan.fields.find((f) => f.name === 'idCard')).toMatchObject({ level: 'MIXED', clearWhen: { kind: 'cmp', field: 'district', op: 'eq', value: '440106' } });
    expect(plan.grantIds).toEqual(['narrow', 'wide']);
    // What SQL built from the plan may name: idCard is returned, but clear in one grant only, so never filtered on.
    expect(plan.allowed).toEqual({ select: new Set(['code', 'idCard']), clear: new Set(['code']) });
  });

  it('allows a statement the fields returned and, to filter on, those clear in every source used', () => {
    const access = buildDatasetAccess(reader(CONSUMER), dataset(), [], NOW);
    expect(planRead(access, records(['idCard'], ['code'])).allowed).toEqual({ select: new Set(['idCard']), clear: new Set(['code', 'district']) });
    expect(planRead(access, { ...records([], ['code']), mode: 'aggregate' }).allowed).toEqual({ select: new Set(), clear: new Set(['code', 'district']) });
  });

  it('aggregate-only grants allow statistics with small groups suppressed, and no rows', () => {
    const stats = grant({ aggregateOnly: true });
    const access = buildDatasetAccess(reader(CONSUMER), dataset({ sharingType: SharingType.CONDITIONAL }), [stats], NOW);
    expect(describeAccess(access).aggregateOnly).toBe(true);
    expect(planRead(access, { ...records([], ['income']), mode: 'aggregate' }).minGroupSize).toBe(5);
    expect(refusal(() => planRead(access, records(['code']))).message).toMatch(/aggregate-only/);
  });

  it('asks for X-Purpose / X-User-Id when the grant requires them, naming the header', () => {
    const strict = grant({ requirePurpose: true, requireEndUserId: true });
    const access = buildDatasetAccess(reader(CONSUMER), dataset({ sharingType: SharingType.CONDITIONAL }), [strict], NOW);
    const refused = refusal(() => planRead(access, records(['code'], [], { hasPurpose: false, hasEndUserId: true })));
    expect(refused.code).toBe(ErrorCode.FORBIDDEN);
    expect(refused.message).toMatch(/X-Purpose/);
    expect(refused.message).not.toMatch(/X-User-Id/);
    expect(planRead(access, records(['code'], [], { hasPurpose: true, hasEndUserId: true })).grantIds).toEqual(['g1']);
  });
});

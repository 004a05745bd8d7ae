import { describe, expect, it } from '@jest/globals';
import { DatasetStatus, FieldType, MaskType, OpenType, Sensitivity, SharingType, UpdateCycle, type DatasetDto, type DatasetVersionDto } from '@causeway/catalogue';
import { isListed, isPublicField, toOpenDataset } from './open-dataset.js';

const field = (name: string, sensitivity: Sensitivity, sharingType = SharingType.UNCONDITIONAL) => ({
  name, title: name, type: FieldType.STRING, nullable: true, isKey: false, sensitivity, sharingType, mask: MaskType.NONE, description: null, unit: null,
});

function dataset(overrides: Partial<DatasetDto> = {}): DatasetDto {
  return {
    id: 'd1', code: 'X-1', apiName: 'x1', title: '标题', titleEn: null, summary: '摘要', providerDepartmentId: 'p1', category: '基础', theme: null, keywords: [],
    format: null, updateCycle: UpdateCycle.DAILY, sharingType: SharingType.UNCONDITIONAL, sharingCondition: null, sharingBasis: null, openType: OpenType.OPEN,
    openCondition: null, license: null, temporalFrom: null, temporalTo: null, spatialCoverage: null, relatedCodes: [], status: DatasetStatus.PUBLISHED,
    fields: [field('open', Sensitivity.PUBLIC), field('internal', Sensitivity.INTERNAL), field('sensitive', Sensitivity.SENSITIVE), field('secret', Sensitivity.SECRET), field('unshared', Sensitivity.PUBLIC, SharingType.NONE)],
    currentVersionId: 'v2', createdAt: new Date(), updatedAt: new Date(), publishedAt: new Date(), retiredAt: null,
    ...overrides,
  };
}

const version = (id: string, number: number, published: boolean): DatasetVersionDto => ({
  id, version: number, rowCount: 1, checksum: 'c', sourceName: null, encoding: null, format: null, loadedBy: 'x', loadedAt: new Date(), publishedAt: published ? new Date() : null, current: id === 'v2',
});
const versions = [version('v3', 3, false), version('v2', 2, true), version('v1', 1, true)];

describe('the public face of a dataset', () => {
  it('lists only published datasets with a current version that are OPEN or CONDITIONAL', () => {
    expect(isListed(dataset())).toBe(true);
    expect(isListed(dataset({ openType: OpenType.CONDITIONAL }))).toBe(true);
    expect(isListed(dataset({ openType: OpenType.CLOSED }))).toBe(false);
    expect(isListed(dataset({ status: DatasetStatus.DRAFT }))).toBe(false);
    expect(isListed(dataset({ status: DatasetStatus.RETIRED }))).toBe(false);
    expect(isListed(dataset({ currentVersionId: null }))).toBe(false);
  });

  it('keeps PUBLIC fields only, and never one its provider shares with nobody', () => {
    expect(toOpenDataset(dataset(), versions, null)!.fields.map((f) => f.name)).toEqual(['open']);
    expect(isPublicField({ sensitivity: Sensitivity.PUBLIC, sharingType: SharingType.NONE })).toBe(false);
    expect(isPublicField({ sensitivity: Sensitivity.INTERNAL, sharingType: SharingType.UNCONDITIONAL })).toBe(false);
  });

  it('offers published versions only, newest first, with the current one marked', () => {
    const open = toOpenDataset(dataset(), versions, null)!;
    expect(open.versions.map((v) => [v.version, v.current])).toEqual([[2, true], [1, false]]);
    expect(open.current?.id).toBe('v2');
  });

  it('lists a CONDITIONAL dataset with its condition and no versions to read', () => {
    const open = toOpenDataset(dataset({ openType: OpenType.CONDITIONAL, openCondition: '实名' }), versions, null)!;
    expect(open).toMatchObject({ openCondition: '实名', versions: [], current: null });
  });

  it('serves no rows of an OPEN dataset without a public field, and drops the open condition of an OPEN one', () => {
    const none = toOpenDataset(dataset({ fields: [field('internal', Sensitivity.INTERNAL)] }), versions, null)!;
    expect(none).toMatchObject({ versions: [], current: null });
    expect(toOpenDataset(dataset({ openCondition: 'left over' }), versions, null)!.openCondition).toBeNull();
  });

  it('shows nothing of a dataset the portal does not list', () => {
    expect(toOpenDataset(dataset({ openType: OpenType.CLOSED }), versions, null)).toBeNull();
  });
});

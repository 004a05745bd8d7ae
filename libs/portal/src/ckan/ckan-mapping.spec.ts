import { describe, expect, it } from '@jest/globals';
import { FieldType, OpenType } from '@causeway/catalogue';
import { PortalUrls } from '../portal-urls.js';
import { openDataset } from '../test/datasets.js';
import { ckanTimestamp, datastoreField, nameUuid, organizationDict, packageDict } from './ckan-mapping.js';

const urls = new PortalUrls('https://data.example.gov.cn');

describe('CKAN mapping', () => {
  it('writes timestamps as CKAN does: naive UTC with microseconds', () => {
    expect(ckanTimestamp(new Date('2024-03-02T08:09:10.123Z'))).toBe('2024-03-02T08:09:10.123000');
    expect(ckanTimestamp(null)).toBeNull();
  });

  it('gives a tag the same UUID-shaped id every time', () => {
    expect(nameUuid('tag', '企业')).toBe(nameUuid('tag', '企业'));
    expect(nameUuid('tag', '企业')).not.toBe(nameUuid('tag', '法人'));
    expect(nameUuid('tag', '企业')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('maps a dataset to a package with its versions as resources, newest first, and its publisher as organization', () => {
    const pkg = packageDict(openDataset(), urls);
    expect(pkg).toMatchObject({ name: 'amr-ent', title: '企业登记信息', notes: '全市市场主体登记注册信息', license_id: 'cc-by', isopen: true, num_resources: 2, num_tags: 2, version: '2', private: false, state: 'active', type: 'dataset' });
    expect(pkg.resources.map((resource) => [resource.position, resource.url])).toEqual([
      [0, 'https://data.example.gov.cn/open/datasets/AMR-ENT.csv'],
      [1, 'https://data.example.gov.cn/open/datasets/AMR-ENT.csv?version=1'],
    ]);
    expect(pkg.organization).toMatchObject({ name: 'dg-amr', title: '市场监督管理局', is_organization: true });
    expect(pkg.extras).toEqual(expect.arrayContaining([{ key: 'code', value: 'AMR-ENT' }, { key: 'title_en', value: 'Enterprise Registration' }, { key: 'open_type', value: 'OPEN' }]));
    expect(pkg.extras.map((extra) => extra.key)).toEqual([...pkg.extras.map((extra) => extra.key)].sort());
  });

  it('carries a conditional dataset’s condition and no resource, and never calls it open', () => {
    const pkg = packageDict(openDataset({ openType: OpenType.CONDITIONAL, openCondition: '实名认证', versions: [], current: null }), urls);
    expect(pkg.resources).toEqual([]);
    expect(pkg.isopen).toBe(false);
    expect(pkg.extras).toEqual(expect.arrayContaining([{ key: 'open_condition', value: '实名认证' }]));
  });

  it('does not claim an unknown licence is open', () => {
    expect(packageDict(openDataset({ license: '本局自定义许可' }), urls)).toMatchObject({ license_id: '本局自定义许可', isopen: false });
    expect(packageDict(openDataset({ license: null }), urls)).toMatchObject({ license_id: 'notspecified', isopen: false });
  });

  it('describes a column with CKAN’s type names and data dictionary', () => {
    expect(datastoreField({ name: 'beds', title: '床位数', type: FieldType.INTEGER, description: null, unit: '张', isKey: false })).toEqual({ id: 'beds', type: 'int8', info: { label: '床位数', notes: '', unit: '张' } });
  });

  it('leaves a department’s contact details out of its organization', () => {
    expect(Object.keys(organizationDict({ id: 'i', code: 'DG-X', name: 'dg-x', title: 'X', titleEn: null }, 3))).not.toEqual(expect.arrayContaining(['contactPhone', 'contactEmail']));
  });
});

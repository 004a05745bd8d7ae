import { describe, expect, it } from '@jest/globals';
import { OpenType } from '@causeway/catalogue';
import { openDataset } from '../test/datasets.js';
import { CkanError } from './ckan-errors.js';
import { parseSort, searchPackages, solrDate, type PackageSearchParams } from './package-search.js';
import { parseSolrQuery } from './solr-query.js';

const params = (overrides: Partial<PackageSearchParams> = {}): PackageSearchParams => ({ fq: [], rows: 10, start: 0, facetFields: [], facetLimit: 50, facetMinCount: 1, ...overrides });

const health = openDataset({
  id: '00000000-0000-4000-8000-000000000002',
  code: 'HEALTH-INST',
  name: 'health-inst',
  title: '医疗机构执业信息',
  titleEn: null,
  summary: '医疗机构名称与床位',
  keywords: ['医疗'],
  theme: '卫生健康',
  publisher: { id: '00000000-0000-4000-8000-0000000000bb', code: 'DG-HEALTH', name: 'dg-health', title: '卫生健康委员会', titleEn: null },
  updatedAt: new Date('2024-05-01T00:00:00Z'),
});
const food = openDataset({
  id: '00000000-0000-4000-8000-000000000003',
  code: 'AMR-FOOD',
  name: 'amr-food',
  title: '食品经营许可证',
  titleEn: 'Food licences',
  keywords: ['食品'],
  openType: OpenType.CONDITIONAL,
  openCondition: '实名',
  versions: [],
  current: null,
  updatedAt: new Date('2023-01-01T00:00:00Z'),
});
const enterprises = openDataset();
const all = [enterprises, health, food];
const names = (found: { datasets: { name: string }[] }) => found.datasets.map((dataset) => dataset.name);

describe('the Solr query subset', () => {
  it('parses terms, fields, phrases, ranges, OR, negation and groups', () => {
    expect(parseSolrQuery('organization:a OR organization:b -tags:"x y"')).toEqual({
      kind: 'and',
      items: [
        { kind: 'or', items: [
          { kind: 'term', field: 'organization', value: { kind: 'text', text: 'a', phrase: false } },
          { kind: 'term', field: 'organization', value: { kind: 'text', text: 'b', phrase: false } },
        ] },
        { kind: 'not', item: { kind: 'term', field: 'tags', value: { kind: 'text', text: 'x y', phrase: true } } },
      ],
    });
    expect(parseSolrQuery('metadata_modified:[2024-01-01T00:00:00Z TO *]')).toEqual({
      kind: 'term', field: 'metadata_modified', value: { kind: 'range', from: '2024-01-01T00:00:00Z', to: '*', includeFrom: true, includeTo: true },
    });
    expect(parseSolrQuery('*:*')).toEqual({ kind: 'all' });
    expect(parseSolrQuery('-(a OR b)')).toMatchObject({ kind: 'not', item: { kind: 'or' } });
  });

  it('refuses what it cannot read with a Search Query Error', () => {
    for (const query of ['(a', 'a OR', 'tags:"open', 'x:[1 2]']) expect(() => parseSolrQuery(query)).toThrow(CkanError);
  });
});

describe('package_search', () => {
  it('matches every word of q anywhere in the public metadata, in Chinese or English', () => {
    expect(names(searchPackages(all, params({ q: '企业 enterprise' })))).toEqual(['amr-ent']);
    expect(names(searchPackages(all, params({ q: '床位' })))).toEqual(['health-inst']);
    expect(searchPackages(all, params({ q: '企业 医疗' })).count).toBe(0);
  });

  it('filters with fq on organization, tags and res_format, excluding with -', () => {
    expect(names(searchPackages(all, params({ fq: ['organization:dg-amr'], sort: 'name asc' })))).toEqual(['amr-ent', 'amr-food']);
    expect(names(searchPackages(all, params({ fq: ['-organization:dg-amr'] })))).toEqual(['health-inst']);
    expect(names(searchPackages(all, params({ fq: ['tags:医疗'] })))).toEqual(['health-inst']);
    // a conditional dataset has no resources, so no format
    expect(names(searchPackages(all, params({ fq: ['res_format:CSV'], sort: 'name asc' })))).toEqual(['amr-ent', 'health-inst']);
    expect(names(searchPackages(all, params({ fq: ['name:amr-*'], sort: 'name asc' })))).toEqual(['amr-ent', 'amr-food']);
  });

  it('filters on metadata_modified ranges, with NOW date math', () => {
    const now = Date.parse('2024-06-01T00:00:00Z');
    expect(names(searchPackages(all, params({ fq: ['metadata_modified:[2024-04-01T00:00:00Z TO *]'] }), now))).toEqual(['health-inst']);
    expect(searchPackages(all, params({ fq: ['metadata_modified:[NOW-60DAYS TO NOW]'] }), now).count).toBe(1);
    expect(solrDate('NOW-1DAY', now)).toBe(now - 86_400_000);
    expect(solrDate('*', now)).toBeNull();
  });

  it('sorts by the requested keys, newest first by default, and pages with rows and start', () => {
    expect(names(searchPackages(all, params()))).toEqual(['health-inst', 'amr-ent', 'amr-food']);
    expect(names(searchPackages(all, params({ sort: 'title_string asc' }))).length).toBe(3);
    const page = searchPackages(all, params({ sort: 'name desc', rows: 1, start: 1 }));
    expect(page).toMatchObject({ count: 3, sort: 'name desc' });
    expect(names(page)).toEqual(['amr-food']);
  });

  it('ranks a title match above a summary match', () => {
    const summaryOnly = openDataset({ id: '00000000-0000-4000-8000-000000000009', code: 'X', name: 'x', title: '其他', titleEn: null, keywords: [], summary: '包含企业一词', updatedAt: new Date('2025-01-01T00:00:00Z') });
    expect(names(searchPackages([summaryOnly, enterprises], params({ q: '企业' })))).toEqual(['amr-ent', 'x']);
  });

  it('refuses an unknown field (Search Error) and a sort without direction (Search Query Error)', () => {
    expect(() => searchPackages(all, params({ fq: ['secret_field:x'] }))).toThrow(expect.objectContaining({ kind: 'SEARCH' }));
    expect(() => parseSort('name')).toThrow(expect.objectContaining({ kind: 'SEARCH_QUERY' }));
    expect(() => parseSort('nosuch asc')).toThrow(expect.objectContaining({ kind: 'SEARCH' }));
  });

  it('counts facets over the matching packages only', () => {
    const found = searchPackages(all, params({ q: '企业 OR 医疗', facetFields: ['organization', 'res_format'] }));
    expect(found.facets).toEqual({ organization: { 'dg-amr': 1, 'dg-health': 1 }, res_format: { CSV: 2 } });
    expect(found.searchFacets.organization!.items).toEqual([
      { name: 'dg-amr', display_name: '市场监督管理局', count: 1 },
      { name: 'dg-health', display_name: '卫生健康委员会', count: 1 },
    ]);
  });
});

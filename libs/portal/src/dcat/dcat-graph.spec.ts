import { describe, expect, it } from '@jest/globals';
import { OpenType, UpdateCycle } from '@causeway/catalogue';
import type { Quad } from 'n3';
import { PortalUrls } from '../portal-urls.js';
import { openDataset } from '../test/datasets.js';
import { catalogGraph, datasetGraph, DATASETS_PER_PAGE } from './dcat-graph.js';
import { toJsonLd, toTurtle } from './rdf-serialise.js';

const urls = new PortalUrls('https://d.example');
const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const objects = (quads: Quad[], subject: string, predicate: string) =>
  quads.filter((quad) => quad.subject.value === subject && quad.predicate.value === predicate).map((quad) => (quad.object.termType === 'Literal' && quad.object.language ? `${quad.object.value}@${quad.object.language}` : quad.object.value));

describe('DCAT-AP graph', () => {
  it('maps 更新周期 to the EU frequency vocabulary', () => {
    const expected: Record<UpdateCycle, string> = {
      [UpdateCycle.REALTIME]: 'UPDATE_CONT', [UpdateCycle.DAILY]: 'DAILY', [UpdateCycle.WEEKLY]: 'WEEKLY', [UpdateCycle.MONTHLY]: 'MONTHLY',
      [UpdateCycle.QUARTERLY]: 'QUARTERLY', [UpdateCycle.HALF_YEARLY]: 'ANNUAL_2', [UpdateCycle.YEARLY]: 'ANNUAL', [UpdateCycle.IRREGULAR]: 'IRREG',
    };
    for (const [cycle, code] of Object.entries(expected)) {
      const quads = datasetGraph(urls, openDataset({ updateCycle: cycle as UpdateCycle }));
      expect(objects(quads, urls.dataset('AMR-ENT'), `${DCT}accrualPeriodicity`)).toEqual([`http://publications.europa.eu/resource/authority/frequency/${code}`]);
    }
  });

  it('gives titles in Chinese and English and keywords tagged by their script', () => {
    const quads = datasetGraph(urls, openDataset());
    expect(objects(quads, urls.dataset('AMR-ENT'), `${DCT}title`)).toEqual(['企业登记信息@zh', 'Enterprise Registration@en']);
    expect(objects(quads, urls.dataset('AMR-ENT'), `${DCAT}keyword`)).toEqual(['企业@zh', 'enterprise@en']);
  });

  it('offers CSV and JSON distributions of an open dataset, none of a conditional one', () => {
    expect(objects(datasetGraph(urls, openDataset()), urls.dataset('AMR-ENT'), `${DCAT}distribution`)).toEqual([urls.distribution('AMR-ENT', 'csv'), urls.distribution('AMR-ENT', 'json')]);
    const conditional = datasetGraph(urls, openDataset({ openType: OpenType.CONDITIONAL, openCondition: '实名', versions: [], current: null }));
    expect(objects(conditional, urls.dataset('AMR-ENT'), `${DCAT}distribution`)).toEqual([]);
    expect(objects(conditional, urls.dataset('AMR-ENT'), `${DCT}accessRights`)).toEqual(['http://publications.europa.eu/resource/authority/access-right/RESTRICTED']);
  });

  it('pages the catalogue with hydra links to the neighbouring pages', () => {
    const datasets = Array.from({ length: 2 * DATASETS_PER_PAGE + 1 }, (_, index) => openDataset({ code: `D-${index}` }));
    const quads = catalogGraph(urls, { publisher: null, all: datasets, datasets: datasets.slice(100, 200), paging: { page: 2, totalItems: datasets.length, format: 'ttl' } });
    const page = urls.catalogPage('ttl', 2);
    expect(objects(quads, page, 'http://www.w3.org/ns/hydra/core#nextPage')).toEqual([urls.catalogPage('ttl', 3)]);
    expect(objects(quads, page, 'http://www.w3.org/ns/hydra/core#previousPage')).toEqual([urls.catalogPage('ttl', 1)]);
    expect(objects(quads, page, 'http://www.w3.org/ns/hydra/core#next')).toEqual([urls.catalogPage('ttl', 3)]);
    expect(objects(quads, page, 'http://www.w3.org/ns/hydra/core#previous')).toEqual([urls.catalogPage('ttl', 1)]);
    expect(objects(quads, urls.catalog(), `${DCAT}dataset`)).toHaveLength(100);
  });

  it('writes the same triples as Turtle and as JSON-LD', async () => {
    const quads = catalogGraph(urls, { publisher: null, all: [openDataset()], datasets: [openDataset()], paging: null });
    const turtle = await toTurtle(quads);
    expect(turtle).toContain('@prefix dcat: <http://www.w3.org/ns/dcat#>.');
    const document = toJsonLd(quads) as { '@graph': { '@id': string }[] };
    const subjects = new Set(quads.map((quad) => (quad.subject.termType === 'BlankNode' ? `_:${quad.subject.value}` : quad.subject.value)));
    expect(document['@graph'].map((node) => node['@id']).sort()).toEqual([...subjects].sort());
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Parser, Store } from 'n3';
import { TestGateway } from './support/gateway.js';
import { csvOf, publishRows, simpleOpen } from './support/portal-fixtures.js';
import { validateTurtle } from './support/shacl.js';

const HYDRA = 'http://www.w3.org/ns/hydra/core#';
const DATASETS = 105;

describe('DCAT-AP feed paging beyond 100 datasets', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.department('DG-PAGE', '分页测试局');
    for (let index = 0; index < DATASETS; index += 1) {
      const code = `PAGE-${String(index).padStart(3, '0')}`;
      await gateway.dataset('DG-PAGE', simpleOpen(code, `分页数据集${index}`));
      await publishRows(gateway, 'DG-PAGE', code, csvOf(['itemNo', 'value'], [['1', `v${index}`]]));
    }
  }, 300_000);
  afterAll(() => gateway.close());

  it('pages the catalogue by 100 with hydra links a harvester follows to every dataset exactly once', async () => {
    const seen: string[] = [];
    let url: string | null = '/catalog.ttl';
    let pages = 0;
    while (url) {
      const response = await gateway.http('GET', url.replace('http://localhost:80', ''));
      expect(response.status).toBe(200);
      const outcome = await validateTurtle(response.body);
      expect(outcome.problems).toEqual([]);
      const store = new Store(new Parser().parse(response.body));
      seen.push(...store.getQuads(null, 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type', 'http://www.w3.org/ns/dcat#Dataset', null).map((quad) => quad.subject.value));
      // What ckanext-dcat's harvester does: the hydra:PagedCollection's hydra:next, else hydra:nextPage.
      const collection = store.getQuads(null, 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type', `${HYDRA}PagedCollection`, null)[0]!.subject;
      const next = store.getQuads(collection, `${HYDRA}next`, null, null)[0]?.object.value ?? null;
      expect(store.getQuads(collection, `${HYDRA}nextPage`, null, null)[0]?.object.value ?? null).toBe(next);
      expect(store.getQuads(collection, `${HYDRA}totalItems`, null, null)[0]!.object.value).toBe(String(DATASETS));
      expect(store.getQuads(collection, `${HYDRA}itemsPerPage`, null, null)[0]!.object.value).toBe('100');
      expect(store.getQuads(collection, `${HYDRA}last`, null, null)[0]!.object.value).toBe('http://localhost:80/catalog.ttl?page=2');
      pages += 1;
      if (pages === 2) expect(store.getQuads(collection, `${HYDRA}previous`, null, null)[0]!.object.value).toBe('http://localhost:80/catalog.ttl?page=1');
      url = next;
      expect(pages).toBeLessThanOrEqual(2);
    }
    expect(pages).toBe(2);
    expect(seen).toHaveLength(DATASETS);
    expect(new Set(seen).size).toBe(DATASETS);
  });

  it('answers the same paging in JSON-LD, and 404 past the last page', async () => {
    const second = await gateway.http('GET', '/catalog.jsonld?page=2');
    const graph = second.json<{ '@graph': Record<string, unknown>[] }>()['@graph'];
    const view = graph.find((node) => (node['@type'] as string[] | undefined)?.includes('hydra:PagedCollection'))!;
    expect(view['@id']).toBe('http://localhost:80/catalog.jsonld?page=2');
    expect(view['hydra:previous']).toEqual([{ '@id': 'http://localhost:80/catalog.jsonld?page=1' }]);
    expect(view['hydra:next']).toBeUndefined();
    expect(graph.filter((node) => (node['@type'] as string[] | undefined)?.includes('dcat:Dataset'))).toHaveLength(DATASETS - 100);
    expect((await gateway.http('GET', '/catalog.jsonld?page=3')).status).toBe(404);
  });
});

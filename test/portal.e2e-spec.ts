import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogueRegistry } from '@causeway/catalogue';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TestGateway, type HttpResponse } from './support/gateway.js';
import { validateJsonLd, validateTurtle } from './support/shacl.js';
import {
  closedHousehold,
  CONDITIONAL_CODE,
  conditionalFood,
  csvOf,
  OPEN_CODE,
  OPEN_HEADER,
  openEnterpriseRows,
  openEnterprises,
  publishRows,
  SECRET,
  simpleOpen,
} from './support/portal-fixtures.js';

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', 'ckan');
const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));

// Values Causeway cannot know and answers as null: departments carry no creation time, and no
// CKAN user creates the packages.
const MAY_BE_NULL = new Set(['result.organization.created', 'result.results.organization.created', 'result.created', 'result.creator_user_id', 'result.results.creator_user_id']);
// Rows differ from dataset to dataset; their shape is checked by the datastore tests.
const DATA_DEPENDENT = new Set(['result.records', 'result.facets.organization']);

/** Every key of CKAN's example, with the same JSON type, in Causeway's answer (arrays: their first items). */
function shapeProblems(expected: unknown, actual: unknown, at = ''): string[] {
  if (DATA_DEPENDENT.has(at) || expected === null) return [];
  if (actual === null && MAY_BE_NULL.has(at)) return [];
  const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
  if (kind(expected) !== kind(actual)) return [`${at || '(root)'}: CKAN has ${kind(expected)}, Causeway ${kind(actual)}`];
  if (Array.isArray(expected) && Array.isArray(actual)) return expected.length > 0 && actual.length > 0 ? shapeProblems(expected[0], actual[0], at) : [];
  if (kind(expected) !== 'object') return [];
  const ours = actual as Record<string, unknown>;
  return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) =>
    key in ours ? shapeProblems(value, ours[key], at ? `${at}.${key}` : key) : [`${at ? `${at}.` : ''}${key}: missing`],
  );
}

interface CkanEnvelope<T = unknown> {
  help: string;
  success: boolean;
  result: T;
  error?: Record<string, unknown> & { __type: string; message?: string };
}

describe('open-data portal', () => {
  let gateway: TestGateway;
  let openVersionId: string;
  let conditionalVersionId: string;
  let closedVersionId: string;

  const ckan = async <T = unknown>(action: string, query = ''): Promise<HttpResponse & { envelope: CkanEnvelope<T> }> => {
    const response = await gateway.http('GET', `/api/3/action/${action}${query ? `?${query}` : ''}`);
    return { ...response, envelope: response.json<CkanEnvelope<T>>() };
  };
  const ckanPost = async <T = unknown>(action: string, body: unknown): Promise<HttpResponse & { envelope: CkanEnvelope<T> }> => {
    const response = await gateway.http('POST', `/api/action/${action}`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { ...response, envelope: response.json<CkanEnvelope<T>>() };
  };
  const versionOf = async (code: string) => (await gateway.get(CatalogueRegistry).findByCode(code))!.currentVersionId!;
  const auditRows = async (action: string) => {
    const db = new pg.Client({ connectionString: gateway.databaseUrl });
    await db.connect();
    try {
      return (await db.query('select action, outcome, dataset, version, fields_requested, rows_returned::int as rows_returned, principal_kind from audit_event where action = $1 order by seq', [action])).rows as {
        action: string;
        outcome: string;
        dataset: string;
        version: number | null;
        fields_requested: string[];
        rows_returned: number | null;
        principal_kind: string;
      }[];
    } finally {
      await db.end();
    }
  };

  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.department('DG-HEALTH', '卫生健康委员会');
    await gateway.dataset('DG-AMR', openEnterprises);
    await publishRows(gateway, 'DG-AMR', OPEN_CODE, csvOf(OPEN_HEADER, openEnterpriseRows()));
    await gateway.dataset('DG-AMR', conditionalFood);
    await publishRows(gateway, 'DG-AMR', CONDITIONAL_CODE, csvOf(['licenceNo', 'operatorName'], [['JY1', SECRET.conditionalValue]]));
    await gateway.dataset('DG-PSB', closedHousehold);
    await publishRows(gateway, 'DG-PSB', SECRET.closedCode, csvOf(['idNo', 'value'], [['1', SECRET.closedValue]]));
    await gateway.dataset('DG-AMR', simpleOpen(SECRET.draftCode, '草稿数据集'));
    await gateway.dataset('DG-AMR', simpleOpen(SECRET.retiredCode, '已废止数据集'));
    await publishRows(gateway, 'DG-AMR', SECRET.retiredCode, csvOf(['itemNo', 'value'], [['1', 'retired']]));
    await gateway.get(CatalogueRegistry).retire(await gateway.steward('DG-AMR'), SECRET.retiredCode, 'test');
    await gateway.dataset('DG-HEALTH', simpleOpen('HEALTH-OPEN', '医疗机构开放数据'));
    await publishRows(gateway, 'DG-HEALTH', 'HEALTH-OPEN', csvOf(['itemNo', 'value'], [['H1', '医院']]));
    openVersionId = await versionOf(OPEN_CODE);
    conditionalVersionId = await versionOf(CONDITIONAL_CODE);
    closedVersionId = await versionOf(SECRET.closedCode);
  });
  afterAll(() => gateway.close());

  describe('what the public never sees', () => {
    /** Every public path, as a harvester or a curious citizen would walk it. */
    async function walkEveryPublicPath(): Promise<string[]> {
      const bodies: string[] = [];
      const get = async (url: string) => {
        const response = await gateway.http('GET', url);
        bodies.push(`${url}\n${response.body}`);
        return response;
      };
      const names = (await get('/api/3/action/package_list')).json<CkanEnvelope<string[]>>().result;
      await get('/api/3/action/package_search?q=*:*&rows=1000&facet.field=["organization","tags","res_format","license_id"]');
      for (const term of ['closed', 'marker', '封闭', 'closedkeyword', 'draft', 'retired', SECRET.closedCode, SECRET.sensitiveValue]) {
        await get(`/api/3/action/package_search?q=${encodeURIComponent(term)}`);
      }
      await get('/api/3/action/tag_list');
      await get('/api/3/action/organization_list?all_fields=true');
      for (const organization of ['dg-amr', 'dg-psb', 'dg-health']) await get(`/api/3/action/organization_show?id=${organization}&include_datasets=true`);
      for (const name of [...names, SECRET.closedCode, SECRET.closedCode.toLowerCase(), SECRET.draftCode, SECRET.retiredCode]) {
        const shown = await get(`/api/3/action/package_show?id=${encodeURIComponent(name)}`);
        for (const resource of shown.json<CkanEnvelope<{ resources?: { id: string }[] }>>().result?.resources ?? []) {
          await get(`/api/3/action/resource_show?id=${resource.id}`);
          await get(`/api/3/action/datastore_search?resource_id=${resource.id}&limit=1000`);
          // The answer echoes the caller's own q; what must not come back is a row holding it.
          const probe = await gateway.http('GET', `/api/3/action/datastore_search?resource_id=${resource.id}&q=${encodeURIComponent(SECRET.sensitiveValue)}`);
          const found = probe.json<CkanEnvelope<{ records: unknown[]; total: number }>>().result;
          bodies.push(`datastore_search q=<sensitive value>\n${JSON.stringify(found.records)} ${found.total}`);
          expect(found.total).toBe(0);
        }
      }
      for (const id of [closedVersionId, conditionalVersionId]) {
        await get(`/api/3/action/datastore_search?resource_id=${id}`);
        await get(`/api/3/action/resource_show?id=${id}`);
      }
      for (const code of [OPEN_CODE, CONDITIONAL_CODE, SECRET.closedCode, SECRET.draftCode, SECRET.retiredCode, 'HEALTH-OPEN']) {
        for (const extension of ['csv', 'json', 'jsonld', 'ttl']) await get(`/open/datasets/${code}.${extension}`);
      }
      await get('/catalog.jsonld');
      await get('/catalog.ttl');
      await get('/catalog.ttl?page=2');
      await get('/open');
      for (const term of ['封闭', 'closed', 'marker', '草稿', '废止']) await get(`/open?q=${encodeURIComponent(term)}`);
      // The page repeats what the visitor typed; what must not come back is a dataset matching it.
      for (const term of [SECRET.closedCode, SECRET.sensitiveValue]) {
        expect((await gateway.http('GET', `/open?q=${encodeURIComponent(term)}`)).body).toContain('共 0 个数据集');
      }
      for (const code of [OPEN_CODE, CONDITIONAL_CODE, SECRET.closedCode, SECRET.draftCode, SECRET.retiredCode]) await get(`/open/datasets/${code}`);
      return bodies;
    }

    it('never shows a closed, draft or retired dataset, a conditional dataset’s rows, or a SENSITIVE, INTERNAL or unshared field on any path', async () => {
      const bodies = await walkEveryPublicPath();
      expect(bodies.length).toBeGreaterThan(30);
      const markers = [
        SECRET.closedCode,
        SECRET.closedTitle,
        SECRET.closedValue,
        SECRET.draftCode,
        SECRET.retiredCode,
        SECRET.conditionalValue,
        SECRET.sensitiveField,
        SECRET.sensitiveValue,
        SECRET.internalField,
        SECRET.internalValue,
        SECRET.noneField,
        SECRET.noneValue,
        'closedkeyword',
        '草稿数据集',
        '已废止数据集',
      ];
      for (const body of bodies) {
        for (const marker of markers) {
          if (body.toLowerCase().split('\n').slice(1).join('\n').includes(marker.toLowerCase())) {
            throw new Error(`"${marker}" leaked on ${body.split('\n')[0]}`);
          }
        }
      }
    });

    it('lists a CONDITIONAL dataset with its condition but without resources, and serves none of its rows', async () => {
      const shown = await ckan<{ resources: unknown[]; num_resources: number; extras: { key: string; value: string }[] }>('package_show', `id=${CONDITIONAL_CODE.toLowerCase()}`);
      expect(shown.status).toBe(200);
      expect(shown.envelope.result.resources).toEqual([]);
      expect(shown.envelope.result.num_resources).toBe(0);
      expect(shown.envelope.result.extras).toEqual(expect.arrayContaining([{ key: 'open_condition', value: '仅向实名认证用户开放' }, { key: 'open_type', value: 'CONDITIONAL' }]));
      const rows = await ckan('datastore_search', `resource_id=${conditionalVersionId}`);
      expect(rows.status).toBe(404);
      expect((await gateway.http('GET', `/open/datasets/${CONDITIONAL_CODE}.csv`)).status).toBe(404);
    });

    it('answers a closed dataset exactly as a missing one, so that its existence does not show', async () => {
      const closed = await ckan('package_show', `id=${SECRET.closedCode}`);
      const missing = await ckan('package_show', 'id=NO-SUCH-DATASET');
      expect(closed.status).toBe(404);
      expect({ ...closed.envelope, help: null }).toEqual({ ...missing.envelope, help: null });
      const closedRows = await ckan('datastore_search', `resource_id=${closedVersionId}`);
      const missingRows = await ckan('datastore_search', 'resource_id=00000000-0000-4000-8000-000000000000');
      expect(closedRows.status).toBe(404);
      expect(closedRows.envelope.error!.message!.replace(closedVersionId, 'ID')).toBe(missingRows.envelope.error!.message!.replace('00000000-0000-4000-8000-000000000000', 'ID'));
      const closedFile = await gateway.http('GET', `/open/datasets/${SECRET.closedCode}.csv`);
      const missingFile = await gateway.http('GET', '/open/datasets/NO-SUCH-DATASET.csv');
      expect(closedFile.status).toBe(404);
      expect(closedFile.json<{ error: { message: string } }>().error.message).toBe(missingFile.json<{ error: { message: string } }>().error.message);
    });

    it('refuses filtering, searching, sorting or selecting a hidden field exactly like a field that does not exist', async () => {
      const cases: [string, string][] = [
        ['filters', `filters=${encodeURIComponent(JSON.stringify({ FIELD: 'x' }))}`],
        ['fields', 'fields=creditCode,FIELD'],
        ['sort', 'sort=FIELD desc'],
        ['q', `q=${encodeURIComponent(JSON.stringify({ FIELD: 'x' }))}`],
      ];
      for (const [key, query] of cases) {
        const hidden = await ckan('datastore_search', `resource_id=${openVersionId}&${query.replace('FIELD', SECRET.sensitiveField)}`);
        const missing = await ckan('datastore_search', `resource_id=${openVersionId}&${query.replace('FIELD', 'noSuchField')}`);
        expect(hidden.status).toBe(409);
        expect(hidden.envelope.error!.__type).toBe('Validation Error');
        expect(Object.keys(hidden.envelope.error!)).toEqual(expect.arrayContaining([key]));
        expect(JSON.stringify(hidden.envelope.error).replace(SECRET.sensitiveField, 'F')).toBe(JSON.stringify(missing.envelope.error).replace('noSuchField', 'F'));
      }
    });

    it('puts each refused pull of a closed dataset on the audit trail as DENIED', async () => {
      await gateway.http('GET', `/open/datasets/${SECRET.closedCode}.json`);
      const denied = (await auditRows('portal.download')).filter((row) => row.outcome === 'DENIED' && row.dataset === SECRET.closedCode);
      expect(denied.length).toBeGreaterThan(0);
      expect(denied[0]!.principal_kind).toBe('ANONYMOUS');
    });
  });

  describe('CKAN Action API', () => {
    it('answers {help, success, result} with the help link of the action', async () => {
      const listed = await ckan<string[]>('package_list');
      expect(listed.status).toBe(200);
      expect(listed.headers['content-type']).toBe('application/json;charset=utf-8');
      expect(listed.envelope).toEqual({ help: 'http://localhost:80/api/3/action/help_show?name=package_list', success: true, result: [CONDITIONAL_CODE.toLowerCase(), OPEN_CODE.toLowerCase(), 'health-open'].sort() });
    });

    it('answers an unknown action with 400 and CKAN’s bare message, and a missing id with a Validation Error', async () => {
      const unknown = await gateway.http('GET', '/api/3/action/package_create');
      expect(unknown.status).toBe(400);
      expect(unknown.json()).toBe('Bad request - Action name not known: package_create');
      const missing = await ckan('package_show');
      expect(missing.status).toBe(409);
      expect(missing.envelope).toEqual({ help: 'http://localhost:80/api/3/action/help_show?name=package_show', success: false, error: { __type: 'Validation Error', name_or_id: ['Missing value'] } });
      const notFound = await ckan('package_show', 'id=nothing-here');
      expect(notFound.status).toBe(404);
      expect(notFound.envelope.error).toEqual({ __type: 'Not Found Error', message: 'Not found' });
    });

    it('refuses a wrong credential in CKAN’s shape, never treating it as anonymous', async () => {
      const refused = await gateway.http('GET', '/api/3/action/package_list', { headers: { authorization: 'Bearer cw_not_a_real_key' } });
      expect(refused.status).toBe(403);
      expect(refused.json()).toMatchObject({ success: false, error: { __type: 'Authorization Error' } });
    });

    it('shows a package by name, code or id, with its publisher as organization and its version as a datastore resource', async () => {
      const byName = await ckan<Record<string, unknown> & { resources: Record<string, unknown>[]; organization: Record<string, unknown> }>('package_show', `id=${OPEN_CODE.toLowerCase()}`);
      const byCode = await ckan('package_show', `id=${OPEN_CODE}`);
      const dataset = (await gateway.get(CatalogueRegistry).findByCode(OPEN_CODE))!;
      const byId = await ckan('package_show', `id=${dataset.id}`);
      expect(byCode.envelope.result).toEqual(byName.envelope.result);
      expect(byId.envelope.result).toEqual(byName.envelope.result);
      const pkg = byName.envelope.result;
      expect(pkg).toMatchObject({
        id: dataset.id,
        name: OPEN_CODE.toLowerCase(),
        title: '企业登记开放数据',
        notes: '市场主体登记注册信息（开放字段）',
        type: 'dataset',
        state: 'active',
        private: false,
        isopen: true,
        license_id: 'cc-by',
        num_resources: 1,
        num_tags: 2,
        owner_org: pkg.organization.id,
        version: '1',
      });
      expect(pkg.organization).toMatchObject({ name: 'dg-amr', is_organization: true, type: 'organization', state: 'active' });
      expect(pkg.resources[0]).toMatchObject({ id: openVersionId, package_id: dataset.id, format: 'CSV', datastore_active: true, position: 0, url: `http://localhost:80/open/datasets/${OPEN_CODE}.csv` });
      expect(pkg.tags).toEqual([expect.objectContaining({ name: '企业', display_name: '企业', state: 'active' }), expect.objectContaining({ name: 'enterprise' })]);
    });

    it('accepts ckanapi’s POST with a JSON body at /api/action/…', async () => {
      const shown = await ckanPost<{ name: string }>('package_show', { id: OPEN_CODE.toLowerCase() });
      expect(shown.status).toBe(200);
      expect(shown.envelope.result.name).toBe(OPEN_CODE.toLowerCase());
      const searched = await ckanPost<{ count: number }>('package_search', { q: '企业', rows: 5 });
      expect(searched.envelope.result.count).toBe(1);
    });

    it('searches packages with q, fq on organization and tags, rows, start and sort as CKAN does', async () => {
      const all = await ckan<{ count: number; results: { name: string }[]; sort: string }>('package_search', 'q=*:*&sort=name asc');
      expect(all.envelope.result.count).toBe(3);
      expect(all.envelope.result.results.map((pkg) => pkg.name)).toEqual(['amr-food-cond', 'amr-open-ent', 'health-open']);
      expect(all.envelope.result.sort).toBe('name asc');
      const page = await ckan<{ count: number; results: { name: string }[] }>('package_search', 'sort=name asc&rows=1&start=1');
      expect(page.envelope.result).toMatchObject({ count: 3, results: [{ name: 'amr-open-ent' }] });
      const byOrganization = await ckan<{ count: number; results: { name: string }[] }>('package_search', `fq=${encodeURIComponent('organization:dg-amr')}`);
      expect(byOrganization.envelope.result.count).toBe(2);
      const harvesterStyle = await ckan<{ count: number; results: { name: string }[] }>('package_search', `fq=${encodeURIComponent('organization:dg-amr OR organization:dg-health -organization:dg-health')}&sort=name asc`);
      expect(harvesterStyle.envelope.result.results.map((pkg) => pkg.name)).toEqual(['amr-food-cond', 'amr-open-ent']);
      const byTag = await ckan<{ count: number }>('package_search', `fq=${encodeURIComponent('tags:"enterprise"')}`);
      expect(byTag.envelope.result.count).toBe(1);
      const recent = await ckan<{ count: number }>('package_search', `fq=${encodeURIComponent('metadata_modified:[2000-01-01T00:00:00Z TO *]')}`);
      expect(recent.envelope.result.count).toBe(3);
      const future = await ckan<{ count: number }>('package_search', `fq=${encodeURIComponent('metadata_modified:[NOW+1DAY TO *]')}`);
      expect(future.envelope.result.count).toBe(0);
      const words = await ckan<{ count: number; results: { name: string }[] }>('package_search', `q=${encodeURIComponent('Enterprise 企业')}`);
      expect(words.envelope.result.results.map((pkg) => pkg.name)).toEqual(['amr-open-ent']);
      const capped = await ckan<{ results: unknown[] }>('package_search', 'rows=5000');
      expect(capped.status).toBe(200);
      const negative = await ckan('package_search', 'rows=-1');
      expect(negative.status).toBe(409);
      expect(negative.envelope.error).toEqual({ __type: 'Validation Error', rows: ['Must be a natural number'] });
      const badSort = await ckan('package_search', 'sort=name');
      expect(badSort.status).toBe(400);
      expect(badSort.envelope.error!.__type).toBe('Search Query Error');
      const unknownField = await ckan('package_search', `fq=${encodeURIComponent('nosuchfield:x')}`);
      expect(unknownField.status).toBe(409);
      expect(unknownField.envelope.error!.__type).toBe('Search Error');
    });

    it('an anonymous ReDoS glob in package_search is matched without backtracking, and an over-long one refused', async () => {
      // Issue 11: this query took seconds per dataset and froze every other request.
      const hostile = await ckan<{ count: number }>('package_search', `q=${encodeURIComponent('id:*?*?*?*?*?*?*?*?*?!')}`);
      expect(hostile.status).toBe(200);
      expect(hostile.envelope.result.count).toBe(0);
      const fq = await ckan<{ count: number }>('package_search', `fq=${encodeURIComponent('name:*?*?*?*?*?*?*?*?*t')}`);
      expect(fq.envelope.result.count).toBe(1);
      const globbed = await ckan<{ results: { name: string }[] }>('package_search', `q=${encodeURIComponent('name:amr-?pen-*')}`);
      expect(globbed.envelope.result.results.map((pkg) => pkg.name)).toEqual(['amr-open-ent']);
      const long = `name:${'*a'.repeat(60)}!`;
      const refused = await ckan('package_search', `q=${encodeURIComponent(long)}`);
      expect(refused.status).toBe(400);
      expect(refused.envelope.error).toEqual({ __type: 'Search Query Error', message: expect.stringContaining('longer than 100 characters') });
      expect(refused.envelope.error!.message!.length).toBeLessThan(120);
    });

    it('answers JSONP to a GET with a strict callback name, as anonymous, and refuses a callback that is not a name', async () => {
      const wrapped = await gateway.http('GET', '/api/3/action/package_list?callback=jQuery_123.done');
      expect(wrapped.status).toBe(200);
      expect(wrapped.headers['content-type']).toBe('application/javascript;charset=utf-8');
      expect(wrapped.body).toMatch(/^jQuery_123\.done\(\{"help":.*\}\);$/s);
      const inner = JSON.parse(wrapped.body.slice('jQuery_123.done('.length, -2)) as CkanEnvelope<string[]>;
      expect(inner).toMatchObject({ success: true, result: expect.arrayContaining(['amr-open-ent']) });
      for (const hostile of ['alert(1)//', '<script>', '1abc', 'a'.repeat(65), '', 'a-b', 'x;y']) {
        const refused = await gateway.http('GET', `/api/3/action/package_list?callback=${encodeURIComponent(hostile)}`);
        expect([hostile, refused.status]).toEqual([hostile, 409]);
        expect(refused.headers['content-type']).toBe('application/json;charset=utf-8');
        expect(refused.json<CkanEnvelope>().error).toEqual({ __type: 'Validation Error', callback: [expect.stringContaining('JavaScript function name')] });
        expect(refused.body).not.toContain('<script>');
      }
      // A page embedding the script must not borrow its visitor's key: the read is recorded as anonymous.
      const key = await gateway.client('DG-HEALTH', 'jsonp-embedding-app');
      const keyed = await gateway.http('GET', `/api/3/action/datastore_search?resource_id=${openVersionId}&limit=1&callback=cb`, { headers: { authorization: `Bearer ${key}` } });
      expect(keyed.status).toBe(200);
      expect(keyed.body.startsWith('cb({')).toBe(true);
      expect((await auditRows('portal.datastore_search')).at(-1)!.principal_kind).toBe('ANONYMOUS');
      const plain = await gateway.http('GET', `/api/3/action/datastore_search?resource_id=${openVersionId}&limit=1`, { headers: { authorization: `Bearer ${key}` } });
      expect(plain.status).toBe(200);
      expect((await auditRows('portal.datastore_search')).at(-1)!.principal_kind).not.toBe('ANONYMOUS');
      // CKAN wraps successes only; an error stays JSON.
      const missing = await gateway.http('GET', '/api/3/action/package_show?id=nothing&callback=cb');
      expect(missing.status).toBe(404);
      expect(missing.json<CkanEnvelope>().success).toBe(false);
      // A POST is never wrapped.
      const posted = await gateway.http('POST', '/api/3/action/package_list?callback=cb', { headers: { 'content-type': 'application/json' }, body: '{"callback": "cb"}' });
      expect(posted.headers['content-type']).toBe('application/json;charset=utf-8');
    });

    it('answers a malformed or non-object JSON body in CKAN’s error envelope', async () => {
      for (const body of ['{"id": ', '[1, 2]', 'not json']) {
        const response = await gateway.http('POST', '/api/3/action/package_show', { headers: { 'content-type': 'application/json' }, body });
        expect([body, response.status]).toEqual([body, 400]);
        const envelope = response.json<CkanEnvelope>();
        expect(envelope).toMatchObject({ help: 'http://localhost:80/api/3/action/help_show?name=package_show', success: false, error: { __type: 'Bad request' } });
        expect(envelope.error!.message).toMatch(/^Bad request - JSON Error: /);
      }
      // What `curl -d '{"id": …}'` sends: a form whose one key is the JSON, read as CKAN reads it.
      const curl = await gateway.http('POST', '/api/3/action/package_show', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: JSON.stringify({ id: 'amr-open-ent' }) });
      expect(curl.status).toBe(200);
      expect(curl.json<CkanEnvelope<{ name: string }>>().result.name).toBe('amr-open-ent');
    });

    it('refuses an unknown package_search parameter with 400 as CKAN does, and accepts CKAN’s own', async () => {
      const unknown = await ckan('package_search', 'q=x&qq=1');
      expect(unknown.status).toBe(400);
      expect(unknown.envelope.error).toEqual({ __type: 'Search Query Error', message: 'Search Query is invalid: "Invalid search parameters: [\'qq\']"' });
      const posted = await ckanPost('package_search', { q: 'x', limit: 5 });
      expect(posted.status).toBe(400);
      const known = await ckan('package_search', 'q=*:*&include_private=true&include_drafts=false&defType=edismax&fl=name,title&wt=json');
      expect(known.status).toBe(200);
      expect((known.envelope.result as { results: Record<string, unknown>[] }).results[0]).toEqual({ name: expect.any(String), title: expect.any(String) });
    });

    it('lists licences, autocompletes package names and titles, and lists current packages with their resources, as CKAN 2.10 does', async () => {
      const licences = await ckan<Record<string, unknown>[]>('license_list');
      expect(licences.status).toBe(200);
      expect(licences.envelope.result.find((licence) => licence.id === 'cc-by')).toEqual({
        domain_content: true,
        domain_data: false,
        domain_software: false,
        family: '',
        id: 'cc-by',
        is_generic: false,
        od_conformance: 'approved',
        osd_conformance: 'not reviewed',
        maintainer: '',
        status: 'active',
        url: 'http://www.opendefinition.org/licenses/cc-by',
        title: 'Creative Commons Attribution',
        is_okd_compliant: true,
        is_osi_compliant: false,
      });
      expect(licences.envelope.result.map((licence) => licence.id)).toEqual(expect.arrayContaining(['notspecified', 'odc-pddl', 'cc-zero', 'other-closed']));

      const byName = await ckan<Record<string, string>[]>('package_autocomplete', 'q=open');
      expect(byName.envelope.result).toEqual([
        { name: 'amr-open-ent', title: '企业登记开放数据', match_field: 'name', match_displayed: 'amr-open-ent' },
        { name: 'health-open', title: '医疗机构开放数据', match_field: 'name', match_displayed: 'health-open' },
      ]);
      const byTitle = await ckan<Record<string, string>[]>('package_autocomplete', `q=${encodeURIComponent('企业')}&limit=1`);
      expect(byTitle.envelope.result).toEqual([{ name: 'amr-open-ent', title: '企业登记开放数据', match_field: 'title', match_displayed: '企业登记开放数据 (amr-open-ent)' }]);
      const noQ = await ckan('package_autocomplete');
      expect(noQ.status).toBe(409);
      expect(noQ.envelope.error).toEqual({ __type: 'Validation Error', q: ['Missing value'] });

      const current = await ckan<{ name: string; resources: { id: string }[] }[]>('current_package_list_with_resources', 'limit=2');
      expect(current.status).toBe(200);
      expect(current.envelope.result).toHaveLength(2);
      const all = await ckan<{ name: string; metadata_modified: string; resources: { id: string }[] }[]>('current_package_list_with_resources', 'limit=100');
      expect(all.envelope.result.map((pkg) => pkg.metadata_modified)).toEqual(all.envelope.result.map((pkg) => pkg.metadata_modified).sort().reverse());
      expect(all.envelope.result.find((pkg) => pkg.name === 'amr-open-ent')!.resources[0]!.id).toBe(openVersionId);
      const paged = await ckan<{ name: string }[]>('current_package_list_with_resources', 'limit=1&page=2');
      expect(paged.envelope.result.map((pkg) => pkg.name)).toEqual([all.envelope.result[1]!.name]);
    });

    it('counts facets over the matching packages', async () => {
      const faceted = await ckan<{ facets: Record<string, Record<string, number>>; search_facets: Record<string, { items: { name: string; count: number }[] }> }>(
        'package_search',
        `facet.field=${encodeURIComponent('["organization","res_format"]')}`,
      );
      expect(faceted.envelope.result.facets).toEqual({ organization: { 'dg-amr': 2, 'dg-health': 1 }, res_format: { CSV: 2 } });
      expect(faceted.envelope.result.search_facets.organization!.items[0]).toMatchObject({ name: 'dg-amr', count: 2 });
    });

    it('lists organizations as names or with their counts of open packages, and shows one with its packages', async () => {
      const names = await ckan<string[]>('organization_list', 'sort=name asc');
      expect(names.envelope.result).toEqual(expect.arrayContaining(['dg-amr', 'dg-health', 'dg-psb']));
      const full = await ckan<{ name: string; package_count: number }[]>('organization_list', 'all_fields=true&sort=name asc');
      expect(full.envelope.result.find((org) => org.name === 'dg-psb')!.package_count).toBe(0);
      expect(full.envelope.result.find((org) => org.name === 'dg-amr')!.package_count).toBe(2);
      const shown = await ckan<{ name: string; package_count: number; packages: { name: string }[] }>('organization_show', 'id=dg-amr&include_datasets=true');
      expect(shown.envelope.result).toMatchObject({ name: 'dg-amr', package_count: 2 });
      expect(shown.envelope.result.packages.map((pkg) => pkg.name).sort()).toEqual(['amr-food-cond', 'amr-open-ent']);
      expect((await ckan('organization_show', 'id=no-such-org')).status).toBe(404);
    });
  });

  describe('against CKAN’s documented examples (test/fixtures/ckan)', () => {
    it('answers every action with the keys and JSON types of CKAN’s own answers', async () => {
      const calls: [string, string][] = [
        ['package_list', '/api/3/action/package_list'],
        ['package_search', `/api/3/action/package_search?q=${encodeURIComponent('企业')}&facet.field=${encodeURIComponent('["organization"]')}`],
        ['package_show', `/api/3/action/package_show?id=${OPEN_CODE.toLowerCase()}`],
        ['organization_list', '/api/3/action/organization_list'],
        ['organization_list_all_fields', '/api/3/action/organization_list?all_fields=true'],
        ['organization_show', '/api/3/action/organization_show?id=dg-amr'],
        ['datastore_search', `/api/3/action/datastore_search?resource_id=${openVersionId}&limit=5`],
      ];
      for (const [name, url] of calls) {
        const response = await gateway.http('GET', url);
        expect([name, response.status]).toEqual([name, 200]);
        expect([name, shapeProblems(fixture(name), response.json())]).toEqual([name, []]);
      }
    });

    it('answers errors with CKAN’s status codes and bodies', async () => {
      const notFound = await gateway.http('GET', '/api/3/action/package_show?id=no-such-dataset');
      expect(notFound.status).toBe(404);
      expect({ ...notFound.json<Record<string, unknown>>(), help: null }).toEqual({ ...(fixture('error_not_found') as Record<string, unknown>), help: null });
      const invalid = await gateway.http('GET', '/api/3/action/package_show');
      expect(invalid.status).toBe(409);
      expect({ ...invalid.json<Record<string, unknown>>(), help: null }).toEqual({ ...(fixture('error_validation') as Record<string, unknown>), help: null });
      const unknown = await gateway.http('GET', '/api/3/action/no_such_action');
      expect(unknown.status).toBe(400);
      expect(unknown.json()).toEqual(fixture('error_unknown_action'));
    });
  });

  describe('datastore_search', () => {
    type Search = { records: Record<string, unknown>[]; fields: { id: string; type: string }[]; total: number; limit: number; _links: Record<string, string> };
    const search = (query: string) => ckan<Search>('datastore_search', `resource_id=${openVersionId}${query ? `&${query}` : ''}`);

    it('returns public columns only, with _id first, CKAN’s default limit and the total', async () => {
      const result = (await search('')).envelope.result;
      expect(result.fields.map((field) => field.id)).toEqual(['_id', 'creditCode', 'entName', 'regCapital', 'employees', 'estDate', 'district', 'note']);
      expect(result.fields[0]).toEqual({ id: '_id', type: 'int' });
      expect(result.fields.find((field) => field.id === 'regCapital')).toMatchObject({ type: 'numeric', info: { label: '注册资本', unit: '万元' } });
      expect(result).toMatchObject({ total: 25, limit: 100, records_format: 'objects', include_total: true, resource_id: openVersionId });
      expect(result.records).toHaveLength(25);
      expect(result.records[0]).toEqual({ _id: 1, creditCode: '914401000000000001', entName: '广州企业01有限公司', regCapital: 10.5, employees: 3, estDate: '2020-01-01', district: '越秀区', note: '备注1' });
    });

    it('keeps numbers exact as stored, beyond double precision', async () => {
      const response = await search(`filters=${encodeURIComponent(JSON.stringify({ _id: 7 }))}`);
      expect(response.body).toContain('"regCapital":12345678901234567890.123456789');
    });

    it('filters on equality and on a list of values, as CKAN’s filters do', async () => {
      const one = (await search(`filters=${encodeURIComponent(JSON.stringify({ district: '天河区' }))}`)).envelope.result;
      expect(one.total).toBe(8);
      expect(one.records.every((record) => record.district === '天河区')).toBe(true);
      const several = (await search(`filters=${encodeURIComponent(JSON.stringify({ district: ['天河区', '海珠区'], employees: ['3', 6, '9'] }))}`)).envelope.result;
      expect(several.records.map((record) => record._id)).toEqual([2, 3]);
      const typed = await search(`filters=${encodeURIComponent(JSON.stringify({ employees: 'many' }))}`);
      expect(typed.status).toBe(409);
      expect(typed.envelope.error!.__type).toBe('Validation Error');
    });

    it('searches all public columns with q, or one column with a q object', async () => {
      const anywhere = (await search(`q=${encodeURIComponent('企业1')}`)).envelope.result;
      expect(anywhere.records.map((record) => record._id)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      const column = (await search(`q=${encodeURIComponent(JSON.stringify({ note: 'HYPERLINK' }))}`)).envelope.result;
      expect(column.records.map((record) => record._id)).toEqual([3]);
    });

    it('pages with limit and offset without overlap or gaps, sorted as asked, with CKAN’s _links', async () => {
      const seen: number[] = [];
      for (let offset = 0; offset < 25; offset += 10) {
        const page = (await search(`sort=${encodeURIComponent('employees desc')}&limit=10&offset=${offset}`)).envelope.result;
        seen.push(...page.records.map((record) => record._id as number));
        if (offset === 10) expect(page._links).toEqual({
          start: `/api/3/action/datastore_search?resource_id=${openVersionId}&sort=employees+desc&limit=10`,
          next: `/api/3/action/datastore_search?resource_id=${openVersionId}&sort=employees+desc&limit=10&offset=20`,
        });
      }
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
      expect(seen[0]).toBe(25);
      expect(seen.at(-1)).toBe(8);
    });

    it('caps limit at 32000, refuses a negative or non-integer limit, and can leave out the total', async () => {
      expect((await search('limit=50000')).envelope.result.limit).toBe(32000);
      const negative = await search('limit=-1');
      expect(negative.status).toBe(409);
      expect(negative.envelope.error).toEqual({ __type: 'Validation Error', limit: ['Must be a natural number'] });
      expect((await search('limit=ten')).envelope.error).toEqual({ __type: 'Validation Error', limit: ['Invalid integer'] });
      const noTotal = (await search('include_total=false&limit=1')).envelope.result;
      expect(noTotal).not.toHaveProperty('total');
      expect(noTotal.records).toHaveLength(1);
      expect((await search('bogus=1')).envelope.error).toEqual({ __type: 'Validation Error', __junk: ['The input field __junk was not expected.'] });
    });

    it('selects fields, and answers lists and CSV records', async () => {
      const selected = (await search('fields=entName,_id&limit=1')).envelope.result;
      expect(selected.fields.map((field) => field.id)).toEqual(['entName', '_id']);
      expect(selected.records).toEqual([{ entName: '广州企业01有限公司', _id: 1 }]);
      const lists = (await search('fields=_id,employees&limit=2&records_format=lists')).envelope.result;
      expect(lists.records).toEqual([[1, 3], [2, 6]]);
      const csv = (await ckan<{ records: string }>('datastore_search', `resource_id=${openVersionId}&fields=_id,note&filters=${encodeURIComponent('{"_id":3}')}&records_format=csv`)).envelope.result;
      expect(csv.records).toBe(`3,"'=HYPERLINK(""http://evil.example"",""点我"")"\n`);
    });

    it('puts each datastore read on the audit trail with its fields and row count', async () => {
      await search('fields=entName&limit=4');
      const rows = await auditRows('portal.datastore_search');
      expect(rows.at(-1)).toMatchObject({ outcome: 'ALLOWED', dataset: OPEN_CODE, version: 1, fields_requested: ['entName'], rows_returned: 4, principal_kind: 'ANONYMOUS' });
    });
  });

  describe('DCAT-AP feed', () => {
    it('publishes the catalogue as JSON-LD that is valid against the DCAT-AP 3 shapes', async () => {
      const response = await gateway.http('GET', '/catalog.jsonld');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/ld+json; charset=utf-8');
      const outcome = await validateJsonLd(response.json());
      expect(outcome.problems).toEqual([]);
      expect(outcome.conforms).toBe(true);
      const datasets = outcome.store.getQuads(null, 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type', 'http://www.w3.org/ns/dcat#Dataset', null).map((quad) => quad.subject.value);
      expect(datasets.sort()).toEqual([CONDITIONAL_CODE, OPEN_CODE, 'HEALTH-OPEN'].map((code) => `http://localhost:80/open/datasets/${code}`));
    });

    it('publishes the same catalogue as Turtle, also valid', async () => {
      const response = await gateway.http('GET', '/catalog.ttl');
      expect(response.headers['content-type']).toBe('text/turtle; charset=utf-8');
      const outcome = await validateTurtle(response.body);
      expect(outcome.problems).toEqual([]);
      const jsonLd = await validateJsonLd((await gateway.http('GET', '/catalog.jsonld')).json());
      const triples = (store: typeof outcome.store) => store.getQuads(null, null, null, null).filter((quad) => quad.subject.termType !== 'BlankNode' && quad.object.termType !== 'BlankNode').length;
      expect(triples(outcome.store)).toBe(triples(jsonLd.store));
      // the hydra paging of the Turtle page names Turtle pages
      expect(response.body).toContain('hydra:PagedCollection');
      expect(response.body).toContain('<http://localhost:80/catalog.ttl?page=1>');
    });

    it('describes a dataset with titles in Chinese and English, publisher, keywords, themes, frequency, licence and its distributions', async () => {
      const response = await gateway.http('GET', `/open/datasets/${OPEN_CODE}.ttl`);
      expect(response.status).toBe(200);
      const outcome = await validateTurtle(response.body);
      expect(outcome.problems).toEqual([]);
      const subject = `http://localhost:80/open/datasets/${OPEN_CODE}`;
      const values = (predicate: string, node = subject) => outcome.store.getQuads(node, predicate, null, null).map((quad) => (quad.object.termType === 'Literal' && quad.object.language ? `${quad.object.value}@${quad.object.language}` : quad.object.value));
      expect(values('http://purl.org/dc/terms/title').sort()).toEqual(['Open Enterprise Registry@en', '企业登记开放数据@zh']);
      expect(values('http://purl.org/dc/terms/publisher')).toEqual(['http://localhost:80/open/organizations/DG-AMR']);
      expect(values('http://www.w3.org/ns/dcat#keyword').sort()).toEqual(['enterprise@en', '企业@zh']);
      expect(values('http://www.w3.org/ns/dcat#theme')).toEqual(expect.arrayContaining(['http://publications.europa.eu/resource/authority/data-theme/ECON']));
      expect(values('http://purl.org/dc/terms/accrualPeriodicity')).toEqual(['http://publications.europa.eu/resource/authority/frequency/DAILY']);
      expect(values('http://purl.org/dc/terms/accessRights')).toEqual(['http://publications.europa.eu/resource/authority/access-right/PUBLIC']);
      const distributions = values('http://www.w3.org/ns/dcat#distribution');
      expect(distributions).toHaveLength(2);
      const csv = distributions.find((iri) => iri.endsWith('-csv'))!;
      expect(values('http://www.w3.org/ns/dcat#downloadURL', csv)).toEqual([`http://localhost:80/open/datasets/${OPEN_CODE}.csv`]);
      expect(values('http://www.w3.org/ns/dcat#mediaType', csv)).toEqual(['http://www.iana.org/assignments/media-types/text/csv']);
      expect(values('http://purl.org/dc/terms/license', csv)).toEqual(['http://publications.europa.eu/resource/authority/licence/CC_BY_4_0']);
      const jsonLd = await validateJsonLd((await gateway.http('GET', `/open/datasets/${OPEN_CODE}.jsonld`)).json());
      expect(jsonLd.problems).toEqual([]);
    });

    it('describes a CONDITIONAL dataset as restricted, with its condition and no distribution', async () => {
      const outcome = await validateTurtle((await gateway.http('GET', `/open/datasets/${CONDITIONAL_CODE}.ttl`)).body);
      expect(outcome.problems).toEqual([]);
      const subject = `http://localhost:80/open/datasets/${CONDITIONAL_CODE}`;
      expect(outcome.store.getQuads(subject, 'http://www.w3.org/ns/dcat#distribution', null, null)).toHaveLength(0);
      expect(outcome.store.getQuads(subject, 'http://purl.org/dc/terms/accessRights', null, null)[0]!.object.value).toBe('http://publications.europa.eu/resource/authority/access-right/RESTRICTED');
      expect(outcome.store.getQuads(subject, 'http://purl.org/dc/terms/description', null, null)[0]!.object.value).toContain('仅向实名认证用户开放');
    });

    it('speaks DCAT-AP 3 as ckanext-dcat reads it: dcat:version, a named Location, EU vocabulary IRIs, licence titles a CKAN resolves', async () => {
      const outcome = await validateTurtle((await gateway.http('GET', `/open/datasets/${OPEN_CODE}.ttl`)).body);
      expect(outcome.problems).toEqual([]);
      const subject = `http://localhost:80/open/datasets/${OPEN_CODE}`;
      const values = (predicate: string, node: string = subject) =>
        outcome.store.getQuads(node, predicate, null, null).map((quad) => (quad.object.termType === 'Literal' && quad.object.language ? `${quad.object.value}@${quad.object.language}` : quad.object.value));
      expect(values('http://www.w3.org/ns/dcat#version')).toEqual(['1']);
      expect(values('http://www.w3.org/2002/07/owl#versionInfo')).toEqual([]);
      const place = outcome.store.getQuads(subject, 'http://purl.org/dc/terms/spatial', null, null)[0]!.object;
      const placeValues = (predicate: string) => outcome.store.getQuads(place, predicate, null, null).map((quad) => quad.object.value);
      expect(placeValues('http://www.w3.org/1999/02/22-rdf-syntax-ns#type')).toEqual(['http://purl.org/dc/terms/Location']);
      expect(placeValues('http://www.w3.org/2004/02/skos/core#prefLabel')).toEqual(['广州市']);
      expect(placeValues('http://www.w3.org/ns/locn#geographicName')).toEqual(['广州市']);
      expect(values('http://purl.org/dc/terms/accrualPeriodicity')).toEqual(['http://publications.europa.eu/resource/authority/frequency/DAILY']);
      expect(values('http://purl.org/dc/terms/language')).toEqual(['http://publications.europa.eu/resource/authority/language/ZHO']);
      const licence = 'http://publications.europa.eu/resource/authority/licence/CC_BY_4_0';
      expect(values('http://purl.org/dc/terms/title', licence)).toEqual(['Creative Commons Attribution']);
      expect((await ckan<{ license_title: string }>('package_show', `id=${OPEN_CODE}`)).envelope.result.license_title).toBe('Creative Commons Attribution');
    });

    it('fails validation when a value is not a concept of its EU vocabulary (the vocabulary shapes bite)', async () => {
      const turtle = (await gateway.http('GET', `/open/datasets/${OPEN_CODE}.ttl`)).body;
      const broken = turtle.replaceAll('frequency/DAILY', 'frequency/DAYLY').replaceAll('file-type/CSV', 'file-type/CSVX');
      const outcome = await validateTurtle(broken);
      expect(outcome.conforms).toBe(false);
      expect(outcome.problems.some((problem) => problem.includes('accrualPeriodicity'))).toBe(true);
      expect(outcome.problems.some((problem) => problem.includes('http://purl.org/dc/terms/format'))).toBe(true);
    });

    it('dereferences the catalogue’s own IRI to the document the client asks for', async () => {
      const iri = 'http://localhost:80/catalog';
      const ttl = (await gateway.http('GET', '/catalog.ttl')).body;
      expect(ttl).toContain(`<${iri}> a dcat:Catalog`);
      const inject = gateway.app.getHttpAdapter().getInstance();
      const asked = async (accept: string | undefined, url = '/catalog') => {
        const response = await inject.inject({ method: 'GET', url, headers: accept ? { accept } : {} });
        expect([accept, response.statusCode]).toEqual([accept, 303]);
        expect(response.headers.vary).toBe('Accept');
        return response.headers.location;
      };
      expect(await asked('text/turtle')).toBe('/catalog.ttl');
      expect(await asked('application/ld+json')).toBe('/catalog.jsonld');
      expect(await asked(undefined)).toBe('/catalog.jsonld');
      expect(await asked('*/*')).toBe('/catalog.jsonld');
      expect(await asked('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe('/open');
      expect(await asked('application/ld+json;q=0.5, text/turtle')).toBe('/catalog.ttl');
      expect(await asked('text/turtle', '/catalog?page=2')).toBe('/catalog.ttl?page=2');
      const followed = await inject.inject({ method: 'GET', url: String(await asked('text/turtle')) });
      expect(followed.statusCode).toBe(200);
      expect((await validateTurtle(followed.body)).problems).toEqual([]);
    });

    it('pages the catalogue and refuses a page beyond the last', async () => {
      expect((await gateway.http('GET', '/catalog.jsonld?page=1')).status).toBe(200);
      expect((await gateway.http('GET', '/catalog.jsonld?page=2')).status).toBe(404);
      expect((await gateway.http('GET', '/catalog.jsonld?page=zero')).status).toBe(400);
    });
  });

  describe('the /open page', () => {
    it('lists the open datasets in Chinese with their English titles and download links, with no script and nothing loaded from elsewhere', async () => {
      const response = await gateway.http('GET', '/open');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(String(response.headers['content-security-policy'])).toContain("default-src 'none'");
      expect(response.body).toContain('<html lang="zh-CN">');
      expect(response.body).toContain('企业登记开放数据');
      expect(response.body).toContain('<small lang="en">Open Enterprise Registry</small>');
      expect(response.body).toContain(`href="/open/datasets/${OPEN_CODE}.csv"`);
      expect(response.body).toContain(`href="/open/datasets/${OPEN_CODE}.json"`);
      expect(response.body).toContain('仅向实名认证用户开放');
      expect(response.body).not.toContain(`href="/open/datasets/${CONDITIONAL_CODE}.csv"`);
      expect(response.body).not.toMatch(/<script|https?:\/\/(?!creativecommons\.org)/);
    });

    it('searches, and escapes what the visitor typed', async () => {
      const found = await gateway.http('GET', `/open?q=${encodeURIComponent('医疗')}`);
      expect(found.body).toContain('医疗机构开放数据');
      expect(found.body).not.toContain('企业登记开放数据');
      const hostile = await gateway.http('GET', `/open?q=${encodeURIComponent('<script>alert(1)</script> "x')}`);
      expect(hostile.status).toBe(200);
      expect(hostile.body).not.toContain('<script>alert(1)</script>');
      expect(hostile.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });

    it('resolves the feed’s organization IRIs to the page narrowed to that publisher', async () => {
      const redirect = await gateway.http('GET', '/open/organizations/DG-HEALTH');
      expect(redirect.status).toBe(303);
      expect(redirect.headers.location).toBe('/open?org=dg-health');
      const narrowed = await gateway.http('GET', '/open?org=dg-health');
      expect(narrowed.body).toContain('医疗机构开放数据');
      expect(narrowed.body).not.toContain('企业登记开放数据');
    });

    it('gives each open dataset a landing page with its public fields only', async () => {
      const page = await gateway.http('GET', `/open/datasets/${OPEN_CODE}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<code>regCapital</code>');
      expect(page.body).toContain(`datastore_search?resource_id=${openVersionId}`);
      expect(page.body).not.toContain(SECRET.sensitiveField);
      expect((await gateway.http('GET', `/open/datasets/${SECRET.closedCode}`)).status).toBe(404);
    });
  });

  describe('downloads', () => {
    it('serves the CSV in UTF-8 with a BOM, public columns only, formula cells neutralised and numbers exact', async () => {
      const response = await gateway.http('GET', `/open/datasets/${OPEN_CODE}.csv`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(String(response.headers['content-disposition'])).toContain(`filename="${OPEN_CODE}.csv"`);
      expect(response.body.startsWith('\uFEFFcreditCode,entName,regCapital,employees,estDate,district,note,_disputed\r\n')).toBe(true);
      const lines = response.body.split('\r\n');
      expect(lines).toHaveLength(1 + 25 + 1);
      expect(lines[3]).toBe(`914401000000000003,广州企业03有限公司,31.50,9,2020-01-03,天河区,"'=HYPERLINK(""http://evil.example"",""点我"")",false`);
      expect(lines[4]).toContain(",'-2+3");
      expect(lines[6]).toContain(",'@SUM(A1)");
      expect(lines[7]).toContain('12345678901234567890.123456789');
      expect(lines[8]).toContain(',-5,');
      expect(response.body).toContain('"含,逗号 ""引号""\n换行"');
    });

    it('serves the JSON with the exact values, formulas included', async () => {
      const response = await gateway.http('GET', `/open/datasets/${OPEN_CODE}.json`);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      const rows = response.json<Record<string, unknown>[]>();
      expect(rows).toHaveLength(25);
      expect(Object.keys(rows[0]!)).toEqual(['creditCode', 'entName', 'regCapital', 'employees', 'estDate', 'district', 'note', '_disputed']);
      expect(rows[2]!.note).toBe('=HYPERLINK("http://evil.example","点我")');
      expect(rows[3]!.note).toBe('-2+3');
      expect(response.body).toContain('"regCapital":12345678901234567890.123456789');
    });

    it('answers 304 to If-None-Match and If-Modified-Since, and gzip when asked', async () => {
      const first = await gateway.http('GET', `/open/datasets/${OPEN_CODE}.csv`);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^W\/".+"$/);
      expect(first.headers['last-modified']).toBeDefined();
      const again = await gateway.http('GET', `/open/datasets/${OPEN_CODE}.csv`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.body).toBe('');
      const since = await gateway.http('GET', `/open/datasets/${OPEN_CODE}.csv`, { headers: { 'if-modified-since': String(first.headers['last-modified']) } });
      expect(since.status).toBe(304);
      expect((await gateway.http('GET', `/open/datasets/${OPEN_CODE}.json`, { headers: { 'if-none-match': etag } })).status).toBe(200);
      const zipped = await gateway.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: `/open/datasets/${OPEN_CODE}.csv`, headers: { 'accept-encoding': 'gzip, deflate' } });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(first.body);
    });

    it('records the download on the audit trail before serving it, and not for a HEAD or a 304', async () => {
      const before = (await auditRows('portal.download')).filter((row) => row.outcome === 'ALLOWED').length;
      await gateway.http('GET', `/open/datasets/${OPEN_CODE}.json`);
      const after = (await auditRows('portal.download')).filter((row) => row.outcome === 'ALLOWED');
      expect(after).toHaveLength(before + 1);
      expect(after.at(-1)).toMatchObject({ dataset: OPEN_CODE, version: 1, rows_returned: 25, fields_requested: ['creditCode', 'entName', 'regCapital', 'employees', 'estDate', 'district', 'note'] });
      const head = await gateway.app.getHttpAdapter().getInstance().inject({ method: 'HEAD', url: `/open/datasets/${OPEN_CODE}.json` });
      expect(head.statusCode).toBe(200);
      expect((await auditRows('portal.download')).filter((row) => row.outcome === 'ALLOWED')).toHaveLength(before + 1);
    });

    it('a HEAD on a download never claims a false Content-Length', async () => {
      // RFC 9110 §8.6: a HEAD's Content-Length is the size the GET would send, or absent; never 0 for a non-empty file.
      const inject = gateway.app.getHttpAdapter().getInstance();
      for (const [extension, headers] of [['csv', {}], ['json', {}], ['csv', { 'accept-encoding': 'gzip' }]] as const) {
        const url = `/open/datasets/${OPEN_CODE}.${extension}`;
        const head = await inject.inject({ method: 'HEAD', url, headers });
        expect([url, head.statusCode]).toEqual([url, 200]);
        expect(head.body).toBe('');
        const get = await inject.inject({ method: 'GET', url, headers });
        const claimed = head.headers['content-length'];
        if (claimed !== undefined) expect([url, Number(claimed)]).toEqual([url, get.rawPayload.length]);
        expect(head.headers['content-type']).toBe(get.headers['content-type']);
        expect(head.headers.etag).toBe(get.headers.etag);
      }
    });

    it('serves an earlier published version by number, listed as a resource of its own', async () => {
      await publishRows(gateway, 'DG-HEALTH', 'HEALTH-OPEN', csvOf(['itemNo', 'value'], [['H1', '医院'], ['H2', '诊所']]));
      const current = await gateway.http('GET', '/open/datasets/HEALTH-OPEN.json');
      expect(current.json<unknown[]>()).toHaveLength(2);
      const first = await gateway.http('GET', '/open/datasets/HEALTH-OPEN.json?version=1');
      expect(first.json()).toEqual([{ itemNo: 'H1', value: '医院', _disputed: false }]);
      const shown = await ckan<{ resources: { url: string; position: number }[] }>('package_show', 'id=health-open');
      expect(shown.envelope.result.resources.map((resource) => resource.url)).toEqual([
        'http://localhost:80/open/datasets/HEALTH-OPEN.csv',
        'http://localhost:80/open/datasets/HEALTH-OPEN.csv?version=1',
      ]);
      expect((await gateway.http('GET', '/open/datasets/HEALTH-OPEN.json?version=9')).status).toBe(404);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getIntrospectionQuery } from 'graphql';
import { readFile } from 'node:fs/promises';
import { TestGateway } from './support/gateway.js';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', 'user-agent': 'Mozilla/5.0' };
const CHINESE = { ...BROWSER, 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };
const ENGLISH = { ...BROWSER, 'accept-language': 'en-GB,en;q=0.9,zh-CN;q=0.5' };

/** What Altair's "reload docs" sends: an introspection POST, with no key until one is set. */
const ALTAIR_INTROSPECTION = JSON.stringify({
  query: getIntrospectionQuery({ descriptions: true, schemaDescription: true, inputValueDeprecation: true, directiveIsRepeatable: true, specifiedByUrl: true }),
  operationName: 'IntrospectionQuery',
  variables: {},
});

describe('pages for people in browsers: the GraphQL IDE and the landing page', () => {
  let gateway: TestGateway;
  let readmeFirstQuery: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    readmeFirstQuery = /```graphql\n([\s\S]*?)```/.exec(readme)![1];
  });
  afterAll(() => gateway.close());

  it("the IDE's first request without a key (introspection) is refused with 401 UNAUTHENTICATED, not a 500", async () => {
    const refused = await gateway.http('POST', '/graphql', {
      headers: { 'content-type': 'application/json', accept: 'application/json, multipart/mixed' },
      body: ALTAIR_INTROSPECTION,
    });
    expect(refused.status).toBe(401);
    const body = refused.json<{ errors: { message: string; extensions: Record<string, unknown> }[] }>();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0].extensions.http).toBeUndefined();
    expect(body.errors[0].message).toMatch(/Authorization: Bearer/);

    const forged = await gateway.http('POST', '/graphql', {
      headers: { 'content-type': 'application/json', authorization: 'Bearer cw_not-a-key' },
      body: ALTAIR_INTROSPECTION,
    });
    expect(forged.status).toBeLessThan(500);
    expect(forged.json<{ errors: { extensions: { code: string } }[] }>().errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it("the IDE's prefilled query sent without a key is answered with UNAUTHENTICATED, not a 500", async () => {
    const answer = await gateway.http('POST', '/graphql', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: readmeFirstQuery }) });
    expect(answer.status).toBeLessThan(500);
    expect(answer.json<{ errors: { extensions: { code: string } }[] }>().errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('a browser that asks for Chinese gets Altair in zh-CN with the README first query prefilled, no promotion, nothing from a CDN', async () => {
    const page = await gateway.http('GET', '/graphql', { headers: CHINESE });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers.vary).toMatch(/Accept-Language/);
    expect(page.body).toContain('language: `zh-CN`');
    expect(page.body).toContain('<html lang="zh-CN">');
    expect(page.body).toContain(readmeFirstQuery);
    expect(page.body).toContain("'banners.disable': true");
    expect(page.body).toContain('disableAccount: true');
    expect(page.body).toContain('app-banner-container ~ nz-alert { display: none !important; }');
    expect(page.body).not.toMatch(/unpkg|jsdelivr|cdnjs|googleapis|https?:\/\//);
    expect((await gateway.http('GET', '/graphql-ide/assets/i18n/zh-CN.json')).status).toBe(200);
  });

  it('a browser that asks for English (or a language the IDE does not speak) gets en-US', async () => {
    const english = await gateway.http('GET', '/graphql', { headers: ENGLISH });
    expect(english.body).toContain('language: `en-US`');
    expect(english.body).toContain(readmeFirstQuery);
    const french = await gateway.http('GET', '/graphql', { headers: { ...BROWSER, 'accept-language': 'fr-FR' } });
    expect(french.body).toContain('language: `en-US`');
  });

  it('/ in a browser leads to the web console; a system asking / still gets a JSON 404', async () => {
    const browser = await gateway.http('GET', '/', { headers: CHINESE });
    expect(browser.status).toBe(302);
    expect(browser.headers.location).toBe('/console/');

    const system = await gateway.http('GET', '/', { headers: { accept: 'application/json' } });
    expect(system.status).toBe(404);
    expect(system.json<{ error: { code: string } }>().error.code).toBe('NOT_FOUND');
    expect((await gateway.http('GET', '/')).status).toBe(404);
  });

  it('a GET /graphql that does not ask for HTML still reaches the GraphQL server', async () => {
    const answer = await gateway.http('GET', '/graphql?query=%7B__typename%7D', { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

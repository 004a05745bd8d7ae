import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SharingType } from '@causeway/catalogue';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { grant, PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway, type GraphQLResponse } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const QUERY = '{ records(dataset: "PSB-PURPOSE", fields: ["age"]) { totalCount } }';
const CASE = '（2026）穗天市监登字第0042号 出生医学证明核验';

describe('X-Purpose: one encoding, no empty or control-character purposes', () => {
  let gateway: TestGateway;
  let health: string;
  let db: DataSource;
  let baseUrl: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.client('DG-PSB', 'psb-system');
    health = await gateway.client('DG-HEALTH', 'health-system');
    await gateway.dataset('DG-PSB', peopleRegister({ code: "PSB-PURPOSE", apiName: "purposeful", sharingType: SharingType.CONDITIONAL, sharingCondition: "依法履职" }));
    await loadVersion(gateway, 'DG-PSB', 'PSB-PURPOSE', PEOPLE);
    await grant(gateway, 'DG-PSB', 'DG-HEALTH', 'PSB-PURPOSE', { fields: ['age'], requirePurpose: true });
    db = gateway.app.get<DataSource>(getDataSourceToken() as string);
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(gateway.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => gateway.close());

  const lastQuery = async (): Promise<{ purpose: string | null; outcome: string; seq: string } | undefined> =>
    ((await db.query(`select purpose, outcome, seq from audit_event where action = 'records.query' and department = 'DG-HEALTH' order by seq desc limit 1`)) as {
      purpose: string | null;
      outcome: string;
      seq: string;
    }[])[0];

  it('a percent-encoded NUL (X-Purpose: %00) does not satisfy a grant requiring a purpose: BAD_USER_INPUT naming X-Purpose, nothing answered', async () => {
    const before = await lastQuery();
    const answer = await gateway.gql(QUERY, {}, health, { 'x-purpose': '%00' });
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toMatch(/X-Purpose/);
    expect(answer.data ?? null).toBeNull();
    expect((await lastQuery())?.seq).toBe(before?.seq);
  });

  it('a whitespace-only purpose is no purpose: the grant asks for X-Purpose', async () => {
    const answer = await gateway.gql(QUERY, {}, health, { 'x-purpose': '   ' });
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.errors?.[0]?.message).toMatch(/X-Purpose/);
  });

  it('a raw UTF-8 Chinese purpose sent as curl -H sends it (bytes on a real socket) is recorded as the same text, not Latin-1 mojibake', async () => {
    const body = JSON.stringify({ query: QUERY });
    const answer = await new Promise<GraphQLResponse>((resolve, reject) => {
      const request = http.request(`${baseUrl}/graphql`, {
        method: 'POST',
        // Node writes header values byte for byte as Latin-1: these are CASE's UTF-8 bytes on the wire.
        headers: { 'content-type': 'application/json', authorization: `Bearer ${health}`, 'x-purpose': Buffer.from(CASE, 'utf8').toString('latin1') },
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphQLResponse));
      });
      request.on('error', reject);
      // A Buffer body: a string body would be joined to the head and both written as UTF-8.
      request.end(Buffer.from(body));
    });
    expect(answer.errors).toBeUndefined();
    expect(await lastQuery()).toMatchObject({ purpose: CASE, outcome: 'ALLOWED' });
  });

  it('a percent-encoded UTF-8 purpose (what a browser can send) is recorded decoded', async () => {
    const answer = await gateway.gql(QUERY, {}, health, { 'x-purpose': encodeURIComponent(CASE) });
    expect(answer.errors).toBeUndefined();
    expect(await lastQuery()).toMatchObject({ purpose: CASE, outcome: 'ALLOWED' });
  });

  it('a purpose may travel in the GraphQL request as extensions.purpose, so browsers need no header', async () => {
    const response = await gateway.http('POST', '/graphql', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${health}` },
      body: JSON.stringify({ query: QUERY, extensions: { purpose: `${CASE} (extensions)` } }),
    });
    expect(response.json<GraphQLResponse>().errors).toBeUndefined();
    expect(await lastQuery()).toMatchObject({ purpose: `${CASE} (extensions)`, outcome: 'ALLOWED' });
  });

  it('a control character in extensions.purpose is refused naming extensions.purpose', async () => {
    const response = await gateway.http('POST', '/graphql', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${health}` },
      body: JSON.stringify({ query: QUERY, extensions: { purpose: 'case\u0000' } }),
    });
    const answer = response.json<GraphQLResponse>();
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toMatch(/extensions\.purpose/);
  });
});

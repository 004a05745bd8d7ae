import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '@causeway/core';
import { EmbeddedPostgres } from '@causeway/database';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { TestGateway, type GraphQLResponse } from './support/gateway.js';
import { publishGeneratedRows, simpleOpen } from './support/portal-fixtures.js';

// Large enough that a paused download fills the socket buffers and keeps its cursor (and its
// database connection) open while the server stops.
const ROWS = 150_000;
const CODE = 'RESTART-OPEN';
const UPLOAD_CODE = 'RESTART-UP';

const csvOf = (seed: string, rows: number): string => `itemNo,value\n${Array.from({ length: rows }, (_, index) => `${seed}-${index},值${index}`).join('\n')}\n`;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * Polls `check` until it answers true (every 250 ms, at most `limitMs`): no timed assertion, a
 * generous limit. Anything else it answers (or throws) is what was seen last, for the failure message.
 */
async function eventually(what: string, check: () => Promise<true | string>, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let seen = '';
  while (Date.now() < deadline) {
    try {
      const result = await check();
      if (result === true) return;
      seen = result;
    } catch (error) {
      seen = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not reached within ${limitMs} ms: ${what} (last seen: ${seen.slice(0, 500)})`);
}

/**
 * The test's own PostgreSQL (the shared one of the run is never stopped), a gateway on it,
 * reached over real HTTP: a download in flight and queries while the server stops and starts.
 */
describe('database restart', () => {
  let dataDir: string;
  let server: EmbeddedPostgres;
  let gateway: TestGateway;
  let base: string;
  let key: string;
  let steward: string;
  const missed: unknown[] = [];
  const record = (error: unknown) => missed.push(error);

  const request = (method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const outgoing = http.request(`${base}${url}`, { method, headers: body ? { 'content-type': 'application/json', ...headers } : headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
        response.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  const gql = async (query: string): Promise<{ status: number; answer: GraphQLResponse<{ datasets?: { totalCount: number } }> }> => {
    const response = await request('POST', '/graphql', JSON.stringify({ query }), { authorization: `Bearer ${key}` });
    return { status: response.status, answer: JSON.parse(response.body) as GraphQLResponse<{ datasets?: { totalCount: number } }> };
  };
  const downloadEvents = async (): Promise<number> => {
    const client = new pg.Client({ connectionString: gateway.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from audit_event where action = 'portal.download'`);
      return rows[0]!.n;
    } finally {
      await client.end();
    }
  };
  /** An upload that has sent `partial` and waits to send the rest: its COPY holds a connection. */
  const startUpload = (partial: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const outgoing = http.request(`${base}/api/v1/datasets/${UPLOAD_CODE}/versions?publish=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${steward}`, 'content-type': 'text/csv' },
      });
      outgoing.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text });
          outgoing.destroy();
        });
      });
      outgoing.on('error', reject);
      outgoing.write(partial);
    });
  /** Whether a backend of this application is in the middle of something (a COPY, an open cursor's transaction). */
  const busy = async (application: string, condition: string): Promise<true | string> => {
    const client = new pg.Client({ connectionString: gateway.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ state: string; query: string }>(`select state, query from pg_stat_activity where application_name = $1`, [application]);
      return rows.some((row) => new RegExp(condition, 'i').test(`${row.state} ${row.query}`)) || JSON.stringify(rows);
    } finally {
      await client.end();
    }
  };
  const CATALOGUE_QUERY = '{ datasets(first: 5) { totalCount nodes { code } } }';

  beforeAll(async () => {
    // An unhandled error event of a pg client would surface here (and end a real gateway process).
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'causeway-restart-'));
    await chmod(dataDir, 0o755);
    // Durable (not the suite's fast mode): an immediate shutdown must not lose committed audit events.
    server = await EmbeddedPostgres.open({ dataDir, database: 'postgres', fast: false });
    gateway = await TestGateway.start({ serverUrl: server.url });
    await gateway.dataset('DG-AMR', simpleOpen(CODE, '重启测试数据集'));
    await publishGeneratedRows(gateway, 'DG-AMR', CODE, ROWS);
    key = await gateway.client('DG-USE', 'restart-consumer');
    await gateway.dataset('DG-AMR', simpleOpen(UPLOAD_CODE, '重启上传数据集'));
    steward = await gateway.person('DG-AMR', 'steward@restart.test', [Role.STEWARD]);
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(gateway.app.getHttpServer().address() as AddressInfo).port}`;
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  }, 60_000);

  it.each(['fast', 'immediate'] as const)('a PostgreSQL restart (%s shutdown) with a download and an upload in flight does not kill the gateway: 503 / SERVICE_UNAVAILABLE while away, recovery without a restart', async (mode) => {
    await eventually('the gateway answers', async () => {
      const { answer } = await gql(CATALOGUE_QUERY);
      return (answer.data?.datasets?.totalCount ?? 0) >= 1 || JSON.stringify(answer);
    });

    const shown = JSON.parse((await request('GET', `/api/3/action/package_show?id=${CODE}`)).body) as { result: { resources: { id: string }[] } };
    const resourceId = shown.result.resources[0]!.id;
    expect((await request('GET', `/api/3/action/datastore_search?resource_id=${resourceId}&limit=1`)).status).toBe(200);

    // A download that has started and then stops reading: its export cursor holds a connection.
    const paused = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http
        .get(`${base}/open/datasets/${CODE}.csv`, (response) => {
          expect(response.statusCode).toBe(200);
          response.once('data', () => {
            response.pause();
            resolve(response);
          });
        })
        .on('error', reject);
    });
    // (The paused download's own event was committed before its first byte was sent.)
    const eventsBefore = await downloadEvents();
    const downloadEnded = new Promise<void>((resolve) => {
      paused.once('close', resolve);
      paused.once('error', () => resolve());
    });
    // An upload in the middle of its COPY.
    const upload = startUpload(csvOf(`${mode}-cut`, 2_000).slice(0, 2_000));
    await eventually('the upload is copying', () => busy('causeway', '^active copy '));
    // The paused download still holds its export connection, in its cursor's transaction.
    await eventually('the download holds its connection', () => busy('causeway-portal-export', '^idle in transaction'));
    // Queries in flight as the server goes away: each ends in an answer, never a 500.
    const inFlight = Array.from({ length: 6 }, () => gql(CATALOGUE_QUERY));

    await server.stop(mode);

    for (const { status, answer } of await Promise.all(inFlight)) {
      expect(status).toBeLessThan(500);
      for (const error of answer.errors ?? []) expect(['SERVICE_UNAVAILABLE', 'AUDIT_UNAVAILABLE']).toContain(error.extensions?.code);
    }
    // The upload fails as the database went away: 503, nothing loaded (its transaction is gone).
    const cut = await upload;
    expect(cut.status).toBe(503);
    expect(JSON.parse(cut.body)).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(cut.headers['retry-after']).toBeDefined();
    // While the database is away: the process lives, says it is not ready, answers 503.
    await eventually('GraphQL answers SERVICE_UNAVAILABLE', async () => {
      const { answer } = await gql(CATALOGUE_QUERY);
      return answer.errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE' || JSON.stringify(answer);
    });
    const graphql = await gql(CATALOGUE_QUERY);
    expect(graphql.answer.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(graphql.answer.errors?.[0]?.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminated/);
    await eventually('a download answers 503', async () => {
      const { status, body } = await request('GET', `/open/datasets/${CODE}.csv`);
      return status === 503 || `${status} ${body.slice(0, 200)}`;
    });
    // CKAN's Action API in CKAN's own error shape.
    await eventually('CKAN answers 503', async () => {
      const { status, body } = await request('GET', `/api/3/action/datastore_search?resource_id=${resourceId}&limit=1`);
      return status === 503 || `${status} ${body.slice(0, 200)}`;
    });
    await eventually('/health/ready says not ready', async () => {
      const { status, body } = await request('GET', '/health/ready');
      return status === 503 || `${status} ${body}`;
    });
    expect((await request('GET', '/health/live')).status).toBe(200);
    paused.resume();
    await downloadEnded;
    expect(missed).toEqual([]);

    // The same server back on the same port: the gateway recovers by itself.
    server = await EmbeddedPostgres.open({ dataDir, database: 'postgres', fast: false, port: server.port });
    await eventually('GraphQL answers again', async () => {
      const { answer } = await gql(CATALOGUE_QUERY);
      return Boolean(answer.data?.datasets) || JSON.stringify(answer);
    });
    await eventually('/health/ready says ready', async () => {
      const { status, body } = await request('GET', '/health/ready');
      return status === 200 || `${status} ${body}`;
    });
    const download = await request('GET', `/open/datasets/${CODE}.csv`);
    expect(download.status).toBe(200);
    expect(download.body.split('\n').filter(Boolean)).toHaveLength(ROWS + 1);
    // The audit writer writes again: the download after the restart is on record.
    expect(await downloadEvents()).toBeGreaterThan(eventsBefore);
    // Uploads load again (the cut one left no lock behind).
    const loaded = await request('POST', `/api/v1/datasets/${UPLOAD_CODE}/versions?publish=true`, csvOf(mode, 100), {
      authorization: `Bearer ${steward}`,
      'content-type': 'text/csv',
    });
    expect(loaded.status).toBe(201);
    expect(JSON.parse(loaded.body)).toMatchObject({ rowCount: 100, current: true });
    expect(missed).toEqual([]);
  }, 240_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogueRegistry, CatalogueVersions, FieldType, OpenType, Sensitivity, SharingType, UpdateCycle, type RegisterDatasetInput } from '@causeway/catalogue';
import { Role } from '@causeway/core';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { TestGateway } from './support/gateway.js';

const dataset = (code: string): RegisterDatasetInput => ({
  code,
  title: `并发上传 ${code}`,
  summary: '并发上传测试',
  category: '基础',
  updateCycle: UpdateCycle.DAILY,
  sharingType: SharingType.UNCONDITIONAL,
  openType: OpenType.OPEN,
  fields: [
    { name: 'itemNo', title: '编号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
    { name: 'value', title: '值', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
  ],
});

/** A CSV of `rows` rows whose content differs per `seed` (so that no upload is a duplicate of another). */
const csvOf = (seed: number, rows = 200): string =>
  `itemNo,value\n${Array.from({ length: rows }, (_, index) => `K${seed}-${index},值${seed}-${index}`).join('\n')}\n`;

/** Runs `setup` with these environment variables set, restoring them afterwards. */
async function withEnv<T>(values: Record<string, string>, setup: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  try {
    return await setup();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe('ingest: concurrent uploads', () => {
  let gateway: TestGateway;
  let steward: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.dataset('DG-AMR', dataset('UP-MANY'));
    steward = await gateway.person('DG-AMR', 'steward@amr.test', [Role.STEWARD]);
  }, 120_000);
  afterAll(() => gateway.close());

  it('30 concurrent uploads by one steward never deadlock the pool: each succeeds or gets 429 with Retry-After, and other requests are served meanwhile', async () => {
    const uploads = Array.from({ length: 30 }, (_, index) =>
      gateway.http('POST', '/api/v1/datasets/UP-MANY/versions', { headers: { authorization: `Bearer ${steward}`, 'content-type': 'text/csv' }, body: csvOf(index) }),
    );
    const query = gateway.gql<{ datasets: { totalCount: number } }>('{ datasets { totalCount } }', {}, steward);
    const answers = await Promise.all(uploads);
    const during = await query;
    expect(during.errors).toBeUndefined();
    expect(during.data?.datasets.totalCount).toBe(1);
    for (const answer of answers) {
      expect([201, 429]).toContain(answer.status);
      if (answer.status === 429) {
        expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
        expect(answer.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
      }
    }
    const loaded = answers.filter((answer) => answer.status === 201).length;
    expect(loaded).toBeGreaterThan(0);
    const found = (await gateway.get(CatalogueRegistry).findByCode('UP-MANY'))!;
    expect(await gateway.get(CatalogueVersions).versions(found.id, null)).toHaveLength(loaded);
  }, 180_000);
});

describe('ingest: a body that stops arriving', () => {
  let gateway: TestGateway;
  let steward: string;
  let base: string;

  beforeAll(async () => {
    gateway = await withEnv({ INGEST_BODY_IDLE_TIMEOUT_MS: '500' }, () => TestGateway.start());
    await gateway.dataset('DG-AMR', dataset('UP-STALL'));
    steward = await gateway.person('DG-AMR', 'steward@amr.test', [Role.STEWARD]);
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(gateway.app.getHttpServer().address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(() => gateway.close());

  /** Sends the headers and `partial`, then nothing more; answers the response the server gives. */
  const stalledUpload = (partial: string): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const request = http.request(`${base}/api/v1/datasets/UP-STALL/versions?publish=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${steward}`, 'content-type': 'text/csv', 'content-length': String(1_000_000) },
      });
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: text });
          request.destroy();
        });
      });
      request.on('error', reject);
      request.flushHeaders();
      if (partial) request.write(partial);
    });

  it('a stalled upload body fails cleanly: nothing is published, the dataset lock and the connection are freed', async () => {
    const first = await gateway.http('POST', '/api/v1/datasets/UP-STALL/versions?publish=true', {
      headers: { authorization: `Bearer ${steward}`, 'content-type': 'text/csv' },
      body: csvOf(1),
    });
    expect(first.status).toBe(201);
    const catalogue = gateway.get(CatalogueRegistry);
    const versions = gateway.get(CatalogueVersions);
    const before = (await catalogue.findByCode('UP-STALL'))!;

    // Mid-file, and before a single byte of the body.
    for (const partial of [csvOf(2).slice(0, 500), '']) {
      const stalled = await stalledUpload(partial);
      expect(stalled.status).toBe(400);
      expect(JSON.parse(stalled.body)).toMatchObject({ error: { code: 'BAD_USER_INPUT', reason: 'UPLOAD_STALLED' } });
      const after = (await catalogue.findByCode('UP-STALL'))!;
      expect(after.currentVersionId).toBe(before.currentVersionId);
      expect(await versions.versions(after.id, null)).toHaveLength(1);
    }

    // No transaction is left open on the main pool.
    const watcher = new pg.Client({ connectionString: gateway.databaseUrl });
    await watcher.connect();
    try {
      const { rows } = await watcher.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where application_name = 'causeway' and state like 'idle in transaction%'`,
      );
      expect(rows[0]!.n).toBe(0);
    } finally {
      await watcher.end();
    }
    // The lock is free: the next upload to the same dataset goes through.
    const next = await gateway.http('POST', '/api/v1/datasets/UP-STALL/versions?publish=true', {
      headers: { authorization: `Bearer ${steward}`, 'content-type': 'text/csv' },
      body: csvOf(3),
    });
    expect(next.status).toBe(201);
    expect(next.json()).toMatchObject({ version: 2, current: true });
  }, 120_000);
});

describe('ingest: one connection per upload', () => {
  const CODES = ['UP-ONE-A', 'UP-ONE-B', 'UP-ONE-C'];
  let gateway: TestGateway;
  let steward: string;
  let base: string;

  beforeAll(async () => {
    // As many uploads load at once as the main pool has connections: an upload that needed a
    // second connection while holding its first would wait for ever (then fail after 5 s).
    gateway = await withEnv({ DATABASE_POOL_SIZE: String(CODES.length), INGEST_MAX_CONCURRENT: String(CODES.length) }, () => TestGateway.start());
    for (const code of CODES) await gateway.dataset('DG-AMR', dataset(code));
    steward = await gateway.person('DG-AMR', 'steward@amr.test', [Role.STEWARD]);
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(gateway.app.getHttpServer().address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(() => gateway.close());

  it('uploads that hold every connection of the pool at once all finish: none needs a second connection', async () => {
    const uploads = CODES.map((code, index) => {
      const request = http.request(`${base}/api/v1/datasets/${code}/versions?publish=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${steward}`, 'content-type': 'text/csv' },
      });
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        request.on('response', (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        });
        request.on('error', reject);
      });
      const csv = csvOf(index, 2_000);
      request.write(csv.slice(0, 1_000));
      return { request, answer, rest: csv.slice(1_000) };
    });

    // Every upload is in the middle of its COPY, on its own connection of the main pool.
    const watcher = new pg.Client({ connectionString: gateway.databaseUrl });
    await watcher.connect();
    try {
      const deadline = Date.now() + 60_000;
      let copying = 0;
      while (copying < CODES.length && Date.now() < deadline) {
        const { rows } = await watcher.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where application_name = 'causeway' and state = 'active' and query ilike 'copy %'`,
        );
        copying = rows[0]!.n;
        if (copying < CODES.length) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(copying).toBe(CODES.length);
    } finally {
      await watcher.end();
    }

    for (const upload of uploads) upload.request.end(upload.rest);
    for (const upload of uploads) {
      const { status, body } = await upload.answer;
      expect(status).toBe(201);
      expect(JSON.parse(body)).toMatchObject({ version: 1, rowCount: 2_000, current: true });
    }
  }, 180_000);
});

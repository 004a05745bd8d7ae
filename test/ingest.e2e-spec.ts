import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CatalogueRegistry, CatalogueVersions, FieldType, OpenType, Sensitivity, SharingType, UpdateCycle, type RegisterDatasetInput } from '@causeway/catalogue';
import { Role } from '@causeway/core';
import { IngestService } from '@causeway/ingest';
import { Readable } from 'node:stream';
import pg from 'pg';
// The catalogue's internal store, reached by path: the test counts how often an upload checks the steward and locks the dataset.
import { CatalogueStore } from '../libs/catalogue/src/catalogue-store.js';
import { TestGateway } from './support/gateway.js';

const ENTERPRISES: RegisterDatasetInput = {
  code: 'AMR-ENT',
  title: '企业登记信息',
  summary: '市场主体登记注册信息',
  category: '基础',
  updateCycle: UpdateCycle.DAILY,
  sharingType: SharingType.UNCONDITIONAL,
  openType: OpenType.OPEN,
  fields: [
    { name: 'creditCode', title: '统一社会信用代码', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
    { name: 'entName', title: '企业名称', type: FieldType.STRING, nullable: false, sensitivity: Sensitivity.PUBLIC },
    { name: 'regCapital', title: '注册资本', type: FieldType.DECIMAL, sensitivity: Sensitivity.PUBLIC },
    { name: 'estDate', title: '成立日期', type: FieldType.DATE, sensitivity: Sensitivity.PUBLIC },
    { name: 'active', title: '是否存续', type: FieldType.BOOLEAN, sensitivity: Sensitivity.PUBLIC },
  ],
};

describe('ingest service', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.dataset('DG-AMR', ENTERPRISES);
  });
  afterAll(() => gateway.close());

  it('loads a CSV into a typed version table', async () => {
    const ctx = await gateway.steward('DG-AMR');
    const csv = '统一社会信用代码,企业名称,注册资本,成立日期,是否存续\n91440101MA5CXXXX1A,广州某某科技有限公司,100.5,2024年1月31日,是\n91440101MA5CXXXX2B,"广州,有限公司",,2024/2/1,否\n';
    const report = await gateway.get(IngestService).ingest(ctx, 'AMR-ENT', Readable.from([Buffer.from(csv)]), { format: 'csv', publish: true });
    expect(report).toMatchObject({ version: 1, rowCount: 2, encoding: 'utf-8', current: true, rowsRejected: 0 });
    const dataset = (await gateway.get(CatalogueRegistry).findByCode('AMR-ENT'))!;
    const fields = await gateway.get(CatalogueVersions).versionFields(dataset.currentVersionId!);
    const client = new pg.Client({ connectionString: gateway.databaseUrl });
    await client.connect();
    const rows = await client.query(`select * from ${fields!.tableName} order by _row`);
    await client.end();
    expect(rows.rows).toEqual([
      { _row: '1', creditCode: '91440101MA5CXXXX1A', entName: '广州某某科技有限公司', regCapital: '100.5', estDate: expect.anything(), active: true },
      { _row: '2', creditCode: '91440101MA5CXXXX2B', entName: '广州,有限公司', regCapital: null, estDate: expect.anything(), active: false },
    ]);
  });
});

describe('ingest service: an upload goes into the catalogue twice', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.dataset('DG-AMR', ENTERPRISES);
  });
  afterAll(() => gateway.close());

  const CSV = 'creditCode,entName,regCapital,estDate,active\nA1,甲,,,\nA2,乙,,,\n';

  /** Runs one upload, counting its trips into the catalogue (every call reaches the real database). */
  async function counted(publish: boolean, csv = CSV) {
    const store = gateway.get(CatalogueStore);
    const versions = gateway.get(CatalogueVersions);
    const spies = {
      stewardChecks: jest.spyOn(store, 'editable'),
      locks: jest.spyOn(store, 'lockEditable'),
      opens: jest.spyOn(versions, 'open'),
      records: jest.spyOn(versions, 'record'),
      publishes: jest.spyOn(versions, 'publishVersion'),
    };
    try {
      const report = await gateway.get(IngestService).ingest(await gateway.steward('DG-AMR'), 'AMR-ENT', Readable.from([Buffer.from(csv)]), { format: 'csv', publish });
      const calls = Object.fromEntries(Object.entries(spies).map(([name, spy]) => [name, spy.mock.calls.length]));
      return { report, calls };
    } finally {
      for (const spy of Object.values(spies)) spy.mockRestore();
    }
  }

  const once = { stewardChecks: 1, locks: 1, opens: 1, records: 1, publishes: 0 };

  it('opens the version and records it: one steward check, one lock of the dataset row, the publish included', async () => {
    const first = await counted(false);
    expect(first.report).toMatchObject({ version: 1, duplicate: false, current: false, rowCount: 2 });
    expect(first.calls).toEqual(once);

    // The same content again, now to publish: the live version is the answer, made current in the same trip.
    const again = await counted(true);
    expect(again.report).toMatchObject({ version: 1, versionId: first.report.versionId, duplicate: true, current: true, rowCount: 2 });
    expect(again.calls).toEqual(once);

    const dataset = (await gateway.get(CatalogueRegistry).findByCode('AMR-ENT'))!;
    expect(dataset.currentVersionId).toBe(first.report.versionId);
    expect((await gateway.get(CatalogueVersions).versions(dataset.id, dataset.currentVersionId)).map((version) => [version.version, version.current])).toEqual([[1, true]]);
    // The duplicate's own table is gone with it.
    const client = new pg.Client({ connectionString: gateway.databaseUrl });
    await client.connect();
    try {
      const tables = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'causeway_data' and tablename like $1 order by 1`, [
        `d_${dataset.id.replace(/-/g, '')}_%`,
      ]);
      expect(tables.rows.map((row) => row.name)).toEqual([`d_${dataset.id.replace(/-/g, '')}_v1`]);
    } finally {
      await client.end();
    }
    const history = await gateway.get(CatalogueRegistry).history(dataset.id);
    expect(history.map((change) => change.action).reverse()).toEqual(['REGISTERED', 'VERSION_LOADED', 'VERSION_PUBLISHED']);
  });

  it('a new version published on upload is current at once, in the same two trips', async () => {
    const next = await counted(true, `${CSV}A3,丙,,,\n`);
    expect(next.calls).toEqual(once);
    expect(next.report).toMatchObject({ version: 2, duplicate: false, current: true, rowCount: 3 });
    const dataset = (await gateway.get(CatalogueRegistry).findByCode('AMR-ENT'))!;
    expect(dataset.currentVersionId).toBe(next.report.versionId);
  });
});

describe('ingest service: an upload cut off half-way', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.dataset('DG-AMR', ENTERPRISES);
  });
  afterAll(() => gateway.close());

  it('fails instead of waiting for the rest, and leaves nothing behind', async () => {
    const ctx = await gateway.steward('DG-AMR');
    let sent = false;
    const source = new Readable({
      read() {
        if (sent) return;
        sent = true;
        this.push(Buffer.from('creditCode,entName,regCapital,estDate,active\nA1,甲,,,\n'));
        // The client goes away: the stream closes without ending.
        setTimeout(() => this.destroy(), 50);
      },
    });
    await expect(gateway.get(IngestService).ingest(ctx, 'AMR-ENT', source, { format: 'csv' })).rejects.toMatchObject({ extensions: { reason: 'UPLOAD_INTERRUPTED' } });
    const dataset = (await gateway.get(CatalogueRegistry).findByCode('AMR-ENT'))!;
    expect(await gateway.get(CatalogueVersions).versions(dataset.id, null)).toEqual([]);
    // The dataset is not left locked: the next upload goes through.
    const report = await gateway.get(IngestService).ingest(ctx, 'AMR-ENT', Readable.from([Buffer.from('creditCode,entName,regCapital,estDate,active\nA1,甲,,,\n')]), { format: 'csv' });
    expect(report.version).toBe(1);
  });
});

describe('ingest route (smoke)', () => {
  let gateway: TestGateway;
  let steward: string;
  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.dataset('DG-AMR', ENTERPRISES);
    steward = await gateway.person('DG-AMR', 'steward@amr.test', [Role.STEWARD]);
  });
  afterAll(() => gateway.close());

  it('takes JSON, CSV and multipart bodies', async () => {
    const json = await gateway.http('POST', '/api/v1/datasets/AMR-ENT/versions', {
      headers: { authorization: `Bearer ${steward}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ creditCode: 'A1', entName: '甲' }, { 统一社会信用代码: 'A2', 企业名称: '乙', 是否存续: true }]),
    });
    expect(json.status).toBe(201);
    expect(json.json()).toMatchObject({ version: 1, rowCount: 2, format: 'json' });
    const boundary = 'XyZ';
    const body = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="e.csv"\r\ncontent-type: text/csv\r\n\r\ncreditCode,entName,regCapital,estDate,active\nB1,丙,,,\n\r\n--${boundary}--\r\n`;
    const multipart = await gateway.http('POST', '/api/v1/datasets/AMR-ENT/versions?publish=true', {
      headers: { authorization: `Bearer ${steward}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(multipart.json()).toMatchObject({ version: 2, rowCount: 1, format: 'csv', sourceName: 'e.csv', current: true });
  });

  it('puts each upload on the audit record, one event per upload (a ?publish=true included)', async () => {
    const auditor = await gateway.person('DG-AMR', 'auditor@amr.test', [Role.AUDITOR]);
    const events = await gateway.gql<{ auditEvents: { nodes: { action: string; version: number | null; outcome: string; principal: string }[] } }>(
      '{ auditEvents(filter: { dataset: "AMR-ENT" }, first: 50) { nodes { action version outcome principal } } }',
      {},
      auditor,
    );
    expect(events.errors).toBeUndefined();
    const uploads = events.data!.auditEvents.nodes.filter((event) => event.action === 'ingest.upload');
    expect(uploads.map((event) => [event.version, event.outcome]).sort()).toEqual([
      [1, 'ALLOWED'],
      [2, 'ALLOWED'],
    ]);
    expect(events.data!.auditEvents.nodes.filter((event) => event.action === 'dataset.publish')).toEqual([]);
  });
});

describe('retention: dropVersion', () => {
  let gateway: TestGateway;
  let steward: string;
  let consumer: string;
  const DROP = 'mutation($v: Int!) { dropVersion(dataset: "AMR-ENT", version: $v) { version rowCount current } }';
  beforeAll(async () => {
    gateway = await TestGateway.start();
    await gateway.dataset('DG-AMR', ENTERPRISES);
    steward = await gateway.person('DG-AMR', 'steward@amr.test', [Role.STEWARD]);
    consumer = await gateway.client('DG-TAX', 'tax-system');
    const ctx = await gateway.steward('DG-AMR');
    const header = 'creditCode,entName,regCapital,estDate,active\n';
    for (const body of [`${header}A1,甲,,,\n`, `${header}A1,甲,,,\nA2,乙,,,\n`]) {
      await gateway.get(IngestService).ingest(ctx, 'AMR-ENT', Readable.from([Buffer.from(body)]), { format: 'csv', publish: true });
    }
  });
  afterAll(() => gateway.close());

  const tableExists = async (version: number) => {
    const dataset = (await gateway.get(CatalogueRegistry).findByCode('AMR-ENT'))!;
    const client = new pg.Client({ connectionString: gateway.databaseUrl });
    await client.connect();
    const found = await client.query('select to_regclass($1) as t', [`causeway_data.d_${dataset.id.replace(/-/g, '')}_v${version}`]);
    await client.end();
    return found.rows[0].t !== null;
  };

  it('drops an old version’s table and leaves the current one alone', async () => {
    expect(await tableExists(1)).toBe(true);
    const dropped = await gateway.gql<{ dropVersion: { version: number; rowCount: number; current: boolean } }>(DROP, { v: 1 }, steward);
    expect(dropped.data?.dropVersion).toEqual({ version: 1, rowCount: 1, current: false });
    expect(await tableExists(1)).toBe(false);
    const versions = await gateway.gql<{ dataset: { versions: { version: number }[]; currentVersion: { version: number } } }>('{ dataset(code: "AMR-ENT") { versions { version } currentVersion { version } } }', {}, steward);
    expect(versions.data?.dataset).toEqual({ versions: [{ version: 2 }], currentVersion: { version: 2 } });
  });

  it('never drops the current version, nor one already dropped', async () => {
    const current = await gateway.gql(DROP, { v: 2 }, steward);
    expect(current.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(current.errors?.[0]?.message).toMatch(/current version/);
    expect(await tableExists(2)).toBe(true);
    const again = await gateway.gql(DROP, { v: 1 }, steward);
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('is for the provider’s stewards only', async () => {
    const refused = await gateway.gql(DROP, { v: 2 }, consumer);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

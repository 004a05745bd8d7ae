import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogueRegistry, CatalogueVersions, FieldType, OpenType, Sensitivity, SharingType, UpdateCycle, type RegisterDatasetInput } from '@causeway/catalogue';
import { Role } from '@causeway/core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { TestGateway, type HttpResponse } from './support/gateway.js';

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', 'ingest');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ROUTE = '/api/v1/datasets/FIX-ENT/versions';

const FIX_ENT: RegisterDatasetInput = {
  code: 'FIX-ENT',
  title: '企业登记信息（测试）',
  summary: '用于导入测试的企业登记信息',
  category: '基础',
  updateCycle: UpdateCycle.DAILY,
  sharingType: SharingType.UNCONDITIONAL,
  openType: OpenType.OPEN,
  fields: [
    { name: 'creditCode', title: '统一社会信用代码', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
    { name: 'entName', title: '企业名称', type: FieldType.STRING, nullable: false, sensitivity: Sensitivity.PUBLIC },
    { name: 'regCapital', title: '注册资本（万元）', type: FieldType.DECIMAL, sensitivity: Sensitivity.PUBLIC },
    { name: 'employees', title: '从业人数', type: FieldType.INTEGER, sensitivity: Sensitivity.PUBLIC },
    { name: 'estDate', title: '成立日期', type: FieldType.DATE, sensitivity: Sensitivity.PUBLIC },
    { name: 'updatedAt', title: '更新时间', type: FieldType.DATETIME, sensitivity: Sensitivity.PUBLIC },
    { name: 'active', title: '是否存续', type: FieldType.BOOLEAN, sensitivity: Sensitivity.PUBLIC },
    { name: 'extra', title: '扩展信息', type: FieldType.JSON, sensitivity: Sensitivity.PUBLIC },
  ],
};

interface Report {
  version: number;
  duplicate: boolean;
  current: boolean;
  format: string;
  encoding: string;
  rowCount: number;
  rowsRead: number;
  rowsRejected: number;
  errors: { line: number; field: string | null; reason: string }[];
  errorCount: number;
}
interface Failure {
  error: { code: string; reason: string; message: string; byteOffset?: number; line?: number; columns?: string[]; ranges?: string[]; report?: Report };
}

describe('ingest: uploading files through POST /api/v1/datasets/:code/versions', () => {
  let gateway: TestGateway;
  let db: pg.Client;
  let steward: string;
  let loader: string;
  let consumer: string;
  let taxSteward: string;

  const fixture = (name: string) => readFile(path.join(FIXTURES, name));
  const upload = async (body: Buffer | string, contentType: string, query = '', credential = steward, headers: Record<string, string> = {}): Promise<HttpResponse> =>
    gateway.http('POST', `${ROUTE}${query}`, { headers: { authorization: `Bearer ${credential}`, 'content-type': contentType, ...headers }, body });
  const state = async () => {
    const dataset = (await gateway.get(CatalogueRegistry).findByCode('FIX-ENT'))!;
    const versions = await gateway.get(CatalogueVersions).versions(dataset.id, dataset.currentVersionId);
    const tables = await db.query(`select count(*)::int as n from pg_tables where schemaname = 'causeway_data' and tablename like $1`, [`d_${dataset.id.replace(/-/g, '')}_%`]);
    return { current: dataset.currentVersionId, versions: versions.length, tables: tables.rows[0].n as number };
  };
  const rows = async (version: number) => {
    const dataset = (await gateway.get(CatalogueRegistry).findByCode('FIX-ENT'))!;
    const found = (await gateway.get(CatalogueVersions).versions(dataset.id, null)).find((candidate) => candidate.version === version)!;
    const table = (await gateway.get(CatalogueVersions).versionFields(found.id))!.tableName;
    return (await db.query(`select *, "estDate"::text as "estDate", "updatedAt"::text as "updatedAt" from ${table} order by _row`)).rows as Record<string, unknown>[];
  };

  beforeAll(async () => {
    gateway = await TestGateway.start();
    db = new pg.Client({ connectionString: gateway.databaseUrl });
    await db.connect();
    await db.query(`set timezone = 'Asia/Shanghai'`);
    await gateway.dataset('DG-AMR', FIX_ENT);
    steward = await gateway.person('DG-AMR', 'steward@amr.test', [Role.STEWARD]);
    loader = await gateway.client('DG-AMR', 'amr-loader', [Role.STEWARD]);
    consumer = await gateway.client('DG-AMR', 'amr-system', [Role.CONSUMER]);
    taxSteward = await gateway.person('DG-TAX', 'steward@tax.test', [Role.STEWARD]);
  });
  afterAll(async () => {
    await db.end();
    await gateway.close();
  });

  describe('good files', () => {
    it('loads the GBK export of an old system (Chinese titles, CRLF, Chinese dates, 是/否, quoted newlines) and publishes it', async () => {
      const response = await upload(await fixture('good/enterprises.gbk.csv'), 'text/csv', '?publish=true');
      expect(response.status).toBe(201);
      const report = response.json<Report>();
      expect(report).toMatchObject({ version: 1, encoding: 'gb18030', format: 'csv', rowCount: 5, rowsRejected: 0, current: true, duplicate: false });
      const loaded = await rows(1);
      expect(loaded.map((row) => row._row)).toEqual(['1', '2', '3', '4', '5']);
      expect(loaded[0]).toMatchObject({ creditCode: '91440106MA59A0B01X', entName: '广州天河星河科技有限公司', regCapital: '1200.50', employees: '35', estDate: '2018-03-05', updatedAt: '2024-01-31 08:30:00+08', active: true, extra: { branches: 2 } });
      expect(loaded[1]).toMatchObject({ entName: '广州越秀"老字号"餐饮管理有限公司', estDate: '2015-06-01', updatedAt: '2024-02-01 09:05:00+08', active: false, extra: null });
      expect(loaded[2]).toMatchObject({ entName: '广州海珠区南方贸易有限公司\n（分公司）', employees: null, estDate: '2020-12-31', updatedAt: '2024-03-01 14:05:00+08', active: true });
      expect(loaded[3]).toMatchObject({ entName: '广州白云, 云帆物流有限公司', regCapital: null, estDate: '2019-01-01', active: false, extra: [1, 2] });
      const dataset = await gateway.gql<{ dataset: { status: string; currentVersion: { version: number; encoding: string; rowCount: number; loadedBy: string } } }>(
        '{ dataset(code: "FIX-ENT") { status currentVersion { version encoding rowCount loadedBy } } }',
        {},
        steward,
      );
      expect(dataset.data?.dataset).toEqual({ status: 'PUBLISHED', currentVersion: { version: 1, encoding: 'gb18030', rowCount: 5, loadedBy: expect.stringContaining('steward@amr.test') } });
    });

    it('answers the existing version when the same content is uploaded again', async () => {
      const before = await state();
      const response = await upload(await fixture('good/enterprises.gbk.csv'), 'text/csv');
      expect(response.json<Report>()).toMatchObject({ version: 1, duplicate: true, current: true, rowCount: 5 });
      expect(await state()).toEqual(before);
    });

    it.each([
      ['good/enterprises.utf8-bom.semicolon.csv', 'text/csv', 'utf-8', 5],
      ['good/enterprises.tsv', 'text/tab-separated-values', 'utf-8', 5],
      ['good/enterprises.pipe.csv', 'text/csv; charset=gbk', 'utf-8', 5],
      ['good/four-byte.gb18030.csv', 'text/csv', 'gb18030', 1],
      ['good/enterprises.json', 'application/json', 'utf-8', 2],
      ['good/enterprises.ndjson', 'application/x-ndjson', 'utf-8', 2],
    ])('loads %s', async (file, type, encoding, count) => {
      const response = await upload(await fixture(file), type);
      expect(response.status).toBe(201);
      expect(response.json<Report>()).toMatchObject({ encoding, rowCount: count, rowsRejected: 0, current: false });
    });

    it('keeps 4-byte GB18030 characters (𠮷) intact', async () => {
      const response = await upload(await fixture('good/four-byte.gb18030.csv'), 'text/csv', '', loader);
      const report = response.json<Report>();
      expect(report.duplicate).toBe(true);
      expect((await rows(report.version))[0]).toMatchObject({ entName: '广州𠮷野家餐饮有限公司' });
    });

    it('loads the first sheet of an XLSX: saved formula results, date cells, Chinese date formats, inline text', async () => {
      const response = await upload(await fixture('good/enterprises.xlsx'), XLSX, '', loader);
      expect(response.status).toBe(201);
      const report = response.json<Report>();
      expect(report).toMatchObject({ format: 'xlsx', rowCount: 3, rowsRejected: 0 });
      const loaded = await rows(report.version);
      expect(loaded[0]).toMatchObject({ regCapital: '1200.5', employees: '35', estDate: '2018-03-05', updatedAt: '2024-01-31 08:30:00+08', active: true, extra: { branches: 2 } });
      expect(loaded[1]).toMatchObject({ entName: '广州越秀老字号餐饮管理有限公司', estDate: '2015-06-01', active: false });
      expect(loaded[2]).toMatchObject({ regCapital: '0.3', estDate: '2020-12-31', updatedAt: '2024-03-01 14:05:00+08', active: true });
    });

    it('reads the sheet named by ?sheet= (and says when there is none)', async () => {
      const wrong = await upload(await fixture('good/enterprises.xlsx'), XLSX, `?sheet=${encodeURIComponent('不存在')}`);
      expect(wrong.json<Failure>().error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'SHEET_NOT_FOUND' });
      expect(wrong.json<Failure>().error.message).toContain('"企业名录", "说明"');
      const notes = await upload(await fixture('good/enterprises.xlsx'), XLSX, `?sheet=${encodeURIComponent('说明')}`);
      expect(notes.json<Failure>().error).toMatchObject({ reason: 'UNKNOWN_COLUMNS', columns: ['本表由市场监管局导出'] });
    });

    it('takes a multipart/form-data upload with a file part', async () => {
      const file = await fixture('good/enterprises.xlsx');
      const boundary = 'causeway-boundary';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="企业名录.xlsx"\r\ncontent-type: ${XLSX}\r\n\r\n`),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const response = await upload(body, `multipart/form-data; boundary=${boundary}`, '?publish=true');
      expect(response.json<Report>()).toMatchObject({ format: 'xlsx', duplicate: true, current: true });
    });

    it('keeps a version with refused rows when ?maxErrors allows, and says which rows were refused', async () => {
      const response = await upload(await fixture('bad/duplicate-keys.csv'), 'text/csv', '?maxErrors=2');
      expect(response.status).toBe(201);
      const report = response.json<Report>();
      expect(report).toMatchObject({ rowCount: 3, rowsRead: 5, rowsRejected: 2 });
      expect(report.errors).toEqual([
        { line: 4, field: 'creditCode', reason: expect.stringMatching(/duplicate key 91440106MA59A0B01X: line 2 has the same/) },
        { line: 6, field: 'creditCode', reason: expect.stringMatching(/duplicate key 91440106MA59A0B02Y: line 3 has the same/) },
      ]);
      expect((await rows(report.version)).map((row) => [row._row, row.entName])).toEqual([
        ['1', '甲'],
        ['2', '乙'],
        ['3', '丙'],
      ]);
    });

    it('serialises two concurrent uploads to one dataset into two versions', async () => {
      const [a, b] = await Promise.all([
        upload('creditCode,entName,regCapital,employees,estDate,updatedAt,active,extra\nC1,并发一,,,,,,\n', 'text/csv'),
        upload('creditCode,entName,regCapital,employees,estDate,updatedAt,active,extra\nC2,并发二,,,,,,\n', 'text/csv', '', loader),
      ]);
      const versions = [a.json<Report>().version, b.json<Report>().version].sort();
      expect(versions[1]).toBe(versions[0]! + 1);
    });
  });

  describe('bad files: each is refused with a precise report and leaves the current version as it was', () => {
    let before: Awaited<ReturnType<typeof state>>;
    beforeAll(async () => {
      before = await state();
    });

    const refused = async (response: HttpResponse, reason: string): Promise<Failure['error']> => {
      expect(response.status).toBe(400);
      const failure = response.json<Failure>().error;
      expect(failure).toMatchObject({ code: 'BAD_USER_INPUT', reason });
      expect(await state()).toEqual(before);
      return failure;
    };

    it('a truncated multi-byte character: names the byte offset', async () => {
      const file = await fixture('bad/truncated-multibyte.csv');
      const failure = await refused(await upload(file, 'text/csv'), 'INVALID_ENCODING');
      expect(failure.byteOffset).toBe(file.length - 2);
      expect(failure.message).toMatch(/truncated/);
    });

    it('UTF-8 lines followed by a GBK line: names the offset of the first GBK byte', async () => {
      const file = await fixture('bad/mixed-utf8-gbk.csv');
      const failure = await refused(await upload(file, 'text/csv'), 'INVALID_ENCODING');
      const gbkLine = file.indexOf(Buffer.from('91440104MA59A0B02Y,'));
      expect(failure.byteOffset).toBe(gbkLine + '91440104MA59A0B02Y,'.length);
      expect(failure.message).toMatch(/UTF-8/);
    });

    it('a UTF-8 byte-order mark before GBK text: refused, never mis-decoded', async () => {
      const failure = await refused(await upload(await fixture('bad/bom-gbk.csv'), 'text/csv'), 'INVALID_ENCODING');
      // The BOM commits to UTF-8. 统一 in GBK (CD B3 D2 BB) happen to be valid UTF-8 pairs; 社 (C9 E7) is not.
      expect(failure.byteOffset).toBe(7);
      expect(failure.message).toMatch(/not valid UTF-8/);
    });

    it('Latin-1 text: no fallback to a Latin code page', async () => {
      const file = await fixture('bad/latin1.csv');
      const failure = await refused(await upload(file, 'text/csv'), 'INVALID_ENCODING');
      expect(failure.byteOffset).toBeGreaterThanOrEqual(file.indexOf(0xe9));
    });

    it('encoding=gbk on a UTF-8 file with a BOM: refused', async () => {
      await refused(await upload(await fixture('good/enterprises.utf8-bom.semicolon.csv'), 'text/csv', '?encoding=gbk'), 'INVALID_ENCODING');
    });

    it('an unterminated quote: names the line where the field opens', async () => {
      const failure = await refused(await upload(await fixture('bad/unterminated-quote.csv'), 'text/csv'), 'MALFORMED_CSV');
      expect(failure.line).toBe(3);
    });

    it('a 100 MB line without a newline: refused by the record-size limit after reading little of it', async () => {
      let sent = 0;
      const total = 100 * 1024 * 1024;
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const body = new Readable({
        read() {
          if (sent >= total) this.push(null);
          else {
            sent += chunk.length;
            this.push(chunk);
          }
        },
      });
      const response = await gateway.app.getHttpAdapter().getInstance().inject({ method: 'POST', url: ROUTE, headers: { authorization: `Bearer ${steward}`, 'content-type': 'text/csv' }, payload: body });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { reason: 'RECORD_TOO_LARGE', line: 1 } });
      expect(response.headers.connection).toBe('close');
      expect(sent).toBeLessThan(16 * 1024 * 1024);
      expect(await state()).toEqual(before);
    });

    it('wrong column counts: each such row reported by line', async () => {
      const failure = await refused(await upload(await fixture('bad/wrong-column-count.csv'), 'text/csv'), 'TOO_MANY_ERRORS');
      expect(failure.report?.errors).toEqual([
        { line: 3, field: null, reason: 'has 5 values where the header has 8 columns' },
        { line: 4, field: null, reason: 'has 9 values where the header has 8 columns' },
      ]);
    });

    it('type errors of every kind: line, field and reason for each', async () => {
      const failure = await refused(await upload(await fixture('bad/type-errors.csv'), 'text/csv'), 'TOO_MANY_ERRORS');
      const errors = failure.report!.errors.map((error) => [error.line, error.field]);
      expect(errors).toEqual([
        [3, 'entName'],
        [4, 'regCapital'],
        [5, 'employees'],
        [6, 'estDate'],
        [7, 'estDate'],
        [8, 'updatedAt'],
        [9, 'active'],
        [10, 'extra'],
        [11, 'employees'],
      ]);
      const reasons = failure.report!.errors.map((error) => error.reason);
      expect(reasons[0]).toMatch(/required/);
      expect(reasons[1]).toMatch(/not a number/);
      expect(reasons[2]).toMatch(/not a whole number/);
      expect(reasons[3]).toMatch(/not a real calendar date/);
      expect(reasons[4]).toMatch(/not a date/);
      expect(reasons[5]).toMatch(/not a real time/);
      expect(reasons[6]).toMatch(/是\/否/);
      expect(reasons[7]).toMatch(/not valid JSON/);
      expect(reasons[8]).toMatch(/out of range/);
      expect(failure.report).toMatchObject({ rowsRead: 10, rowsRejected: 9, errorCount: 9 });
    });

    it('duplicate keys: each later occurrence reported with the line it repeats', async () => {
      const failure = await refused(await upload(await fixture('bad/duplicate-keys.csv'), 'text/csv'), 'TOO_MANY_ERRORS');
      expect(failure.report?.errors.map((error) => error.line)).toEqual([4, 6]);
    });

    it.each([
      ['bad/empty.csv', 'text/csv', 'EMPTY_FILE'],
      ['bad/header-only.csv', 'text/csv', 'NO_ROWS'],
      ['bad/merged-cells.xlsx', XLSX, 'MERGED_CELLS'],
      ['bad/not-a-zip.xlsx', XLSX, 'INVALID_XLSX'],
      ['bad/not-array.json', 'application/json', 'NOT_ARRAY_OF_OBJECTS'],
      ['bad/truncated.json', 'application/json', 'MALFORMED_JSON'],
      ['bad/array-of-scalars.json', 'application/json', 'TOO_MANY_ERRORS'],
      ['bad/ndjson-broken-line.ndjson', 'application/x-ndjson', 'TOO_MANY_ERRORS'],
      ['bad/formula-errors.xlsx', XLSX, 'TOO_MANY_ERRORS'],
    ])('%s → %s', async (file, type, reason) => {
      await refused(await upload(await fixture(file), type), reason);
    });

    it('names the merged ranges and the formula problems', async () => {
      const merged = await refused(await upload(await fixture('bad/merged-cells.xlsx'), XLSX), 'MERGED_CELLS');
      expect(merged.ranges).toEqual(['B2:B3']);
      const formulas = await refused(await upload(await fixture('bad/formula-errors.xlsx'), XLSX), 'TOO_MANY_ERRORS');
      expect(formulas.report?.errors).toEqual([
        { line: 3, field: null, reason: 'the formula error #DIV/0! in cell C3' },
        { line: 4, field: null, reason: expect.stringMatching(/formula saved without its result.*cell C4/) },
      ]);
      const scalars = await refused(await upload(await fixture('bad/array-of-scalars.json'), 'application/json'), 'TOO_MANY_ERRORS');
      expect(scalars.report?.errors.map((error) => error.reason)).toEqual([
        expect.stringMatching(/a number, not an object/),
        expect.stringMatching(/a string, not an object/),
        expect.stringMatching(/null, not an object/),
        expect.stringMatching(/a list, not an object/),
      ]);
    });

    it('unknown and missing columns: refused by name', async () => {
      const unknown = await refused(await upload(await fixture('bad/unknown-column.csv'), 'text/csv'), 'UNKNOWN_COLUMNS');
      expect(unknown.columns).toEqual(['内部编号']);
      const missing = await refused(await upload(await fixture('bad/missing-column.csv'), 'text/csv'), 'MISSING_COLUMNS');
      expect(missing.columns).toEqual(['employees', 'estDate', 'updatedAt', 'active', 'extra']);
    });

    it('a media type that is no upload format', async () => {
      await refused(await upload('<html></html>', 'text/html'), 'UNSUPPORTED_FORMAT');
    });
  });

  describe('who may upload', () => {
    /** A large body that counts how much of it was read. */
    const counted = () => {
      const meter = { read: 0 };
      const chunk = Buffer.from('creditCode,entName,regCapital,employees,estDate,updatedAt,active,extra\n'.padEnd(64 * 1024, 'x'));
      const stream = new Readable({
        read() {
          if (meter.read >= 50 * 1024 * 1024) this.push(null);
          else {
            meter.read += chunk.length;
            this.push(chunk);
          }
        },
      });
      return { meter, stream };
    };
    const inject = (credential: string | null, payload: Readable, url = ROUTE) =>
      gateway.app
        .getHttpAdapter()
        .getInstance()
        .inject({ method: 'POST', url, headers: { 'content-type': 'text/csv', ...(credential ? { authorization: `Bearer ${credential}` } : {}) }, payload });

    it.each([
      ['a consumer system of the provider department', () => consumer, 403, 'FORBIDDEN'],
      ['a steward of another department', () => taxSteward, 403, 'FORBIDDEN'],
      ['an anonymous caller', () => null, 401, 'UNAUTHENTICATED'],
    ])('%s is refused before the body is read', async (_who, credential, status, code) => {
      const before = await state();
      const { meter, stream } = counted();
      const response = await inject(credential(), stream);
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ error: { code } });
      expect(response.headers.connection).toBe('close');
      expect(meter.read).toBeLessThan(1024 * 1024);
      expect(await state()).toEqual(before);
    });

    it('an unknown dataset reads as not found', async () => {
      const response = await inject(steward, Readable.from([Buffer.from('a\n1\n')]), '/api/v1/datasets/NO-SUCH/versions');
      expect(response.statusCode).toBe(404);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogueRegistry, FieldType, OpenType, Sensitivity, SharingType, UpdateCycle } from '@causeway/catalogue';
import { CausewayConfig, Role } from '@causeway/core';
import { chinaDate, lastSettledDay, STATS_COLUMNS, STATS_DATASET, StatisticsService } from '@causeway/statistics';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { getDataSourceToken } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

/** The `exchanges` cells of a CSV download, found by the header (downloads add columns such as `_disputed`). */
function exchangesColumn(csv: string): number[] {
  const [header, ...rows] = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const at = header!.split(',').indexOf('exchanges');
  if (at < 0) throw new Error(`no exchanges column in ${header}`);
  return rows.map((row) => Number(row.split(',')[at]));
}

interface CkanEnvelope<T> {
  success: boolean;
  result: T;
}

const run = promisify(execFile);
const THRESHOLD = 5;
const PURPOSE = '核验纳税人登记信息-唯一用途标记';
/** Today (China time) is not over, so the job never publishes it by itself; the test asks for it to see its own exchanges. */
const TODAY = () => chinaDate(new Date());

describe('published exchange statistics (PLATFORM-EXCHANGE-STATS)', () => {
  let gateway: TestGateway;
  let statistics: StatisticsService;
  let taxKey: string;
  let psbKey: string;

  const records = (key: string, fields = '["creditCode", "entName"]') =>
    gateway.gql(`{ records(dataset: "AMR-OPEN-ENT", fields: ${fields}) { totalCount } }`, {}, key, { 'x-purpose': encodeURIComponent(PURPOSE) });

  beforeAll(async () => {
    gateway = await TestGateway.start();
    statistics = gateway.get(StatisticsService);
    await gateway.department('GZ-DATA', '广州市政务服务和数据管理局');
    taxKey = await gateway.client('DG-TAX', 'tax-system');
    psbKey = await gateway.client('DG-PSB', 'psb-system');
    await gateway.person('DG-AMR', 'steward@amr.test', [Role.STEWARD]);
    await gateway.dataset('DG-AMR', {
      code: 'AMR-OPEN-ENT',
      apiName: 'amrOpenEnterprises',
      title: '企业名录',
      summary: '公开的企业名录（测试）',
      category: '基础',
      updateCycle: UpdateCycle.DAILY,
      sharingType: SharingType.UNCONDITIONAL,
      sharingBasis: '测试依据',
      openType: OpenType.OPEN,
      license: 'CC-BY-4.0',
      fields: [
        { name: 'creditCode', title: '统一社会信用代码', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
        { name: 'entName', title: '企业名称', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
        { name: 'secretNote', title: '内部备注', type: FieldType.STRING, sensitivity: Sensitivity.SECRET, sharingType: SharingType.NONE },
      ],
    });
    await loadVersion(gateway, 'DG-AMR', 'AMR-OPEN-ENT', [
      { creditCode: '91440101MA5ABCDE1X', entName: '广州甲公司', secretNote: 'x' },
      { creditCode: '91440101MA5ABCDE2X', entName: '广州乙公司', secretNote: 'y' },
    ]);

    // Six reads by the tax bureau (published), two by the police (below the threshold), one refusal
    // (below), five anonymous downloads (published as PUBLIC).
    for (let i = 0; i < 6; i += 1) expect((await records(taxKey)).errors).toBeUndefined();
    for (let i = 0; i < 2; i += 1) expect((await records(psbKey)).errors).toBeUndefined();
    expect((await records(taxKey, '["creditCode", "secretNote"]')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');
    for (let i = 0; i < 5; i += 1) expect((await gateway.http('GET', '/open/datasets/AMR-OPEN-ENT.csv')).status).toBe(200);
  });
  afterAll(() => gateway.close());

  it('publishes no count below the suppression threshold, and only aggregated columns (no principal, no address, no purpose)', async () => {
    const report = await statistics.refresh({ through: TODAY() });
    expect(report).toMatchObject({ skipped: null, dataset: STATS_DATASET, threshold: THRESHOLD, duplicate: false });
    expect(report.cellsSuppressed).toBeGreaterThanOrEqual(2);

    const listed = (await gateway.http('GET', '/api/3/action/package_list')).json<CkanEnvelope<string[]>>();
    expect(listed.result).toContain(STATS_DATASET.toLowerCase());
    const shown = (await gateway.http('GET', `/api/3/action/package_show?id=${STATS_DATASET.toLowerCase()}`)).json<CkanEnvelope<{ organization: { name: string }; resources: { id: string }[] }>>();
    expect(shown.success).toBe(true);
    expect(shown.result.organization.name).toBe('gz-data');
    const searched = (await gateway.http('GET', `/api/3/action/datastore_search?resource_id=${shown.result.resources[0]!.id}&limit=1000`)).json<
      CkanEnvelope<{ records: Record<string, unknown>[]; fields: { id: string }[] }>
    >();
    const rows = searched.result.records;
    expect(searched.result.fields.map((field) => field.id).filter((id) => id !== '_id')).toEqual([...STATS_COLUMNS]);
    expect(rows.every((row) => Number(row.exchanges) >= THRESHOLD)).toBe(true);
    expect(rows).toContainEqual(expect.objectContaining({ providerDepartment: 'DG-AMR', consumerDepartment: 'DG-TAX', dataset: 'AMR-OPEN-ENT', outcome: 'ALLOWED', exchanges: 6 }));
    expect(rows).toContainEqual(expect.objectContaining({ providerDepartment: 'DG-AMR', consumerDepartment: 'PUBLIC', dataset: 'AMR-OPEN-ENT', outcome: 'ALLOWED', exchanges: 5 }));
    // The police's two reads and the tax bureau's one refusal are suppressed, not merged anywhere.
    expect(rows.filter((row) => row.consumerDepartment === 'DG-PSB' || row.outcome === 'DENIED')).toEqual([]);

    const download = await gateway.http('GET', `/open/datasets/${STATS_DATASET}.csv`);
    expect(download.status).toBe(200);
    const lines = download.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines.length).toBe(rows.length + 1);
    for (const count of exchangesColumn(download.body)) expect(count).toBeGreaterThanOrEqual(THRESHOLD);
    for (const leak of ['client:', 'user:', 'anonymous', '127.0.0.1', PURPOSE, 'tax-system', 'psb-system', 'DG-PSB']) {
      expect(download.body).not.toContain(leak);
      expect(JSON.stringify(searched)).not.toContain(leak);
    }
    expect((await gateway.http('GET', `/open/datasets/${STATS_DATASET}.jsonld`)).status).toBe(200);
    const json = await gateway.http('GET', `/open/datasets/${STATS_DATASET}.json`);
    expect(json.status).toBe(200);
    expect(json.body).not.toContain('DG-PSB');
  });

  it('a higher threshold (STATS_MIN_COUNT) drops more: the tax bureau’s six reads vanish at 7, and the description says so', async () => {
    const config = gateway.get(CausewayConfig);
    config.STATS_MIN_COUNT = 7;
    try {
      // Seven more anonymous downloads: the public's cell (now 12) stays, the tax bureau's six reads go.
      for (let i = 0; i < 7; i += 1) expect((await gateway.http('GET', '/open/datasets/AMR-OPEN-ENT.csv')).status).toBe(200);
      const report = await statistics.refresh({ through: TODAY() });
      expect(report).toMatchObject({ skipped: null, threshold: 7 });
      const dataset = (await gateway.get(CatalogueRegistry).findByCode(STATS_DATASET))!;
      expect(dataset.summary).toContain('少于 7 次');
      const body = (await gateway.http('GET', `/open/datasets/${STATS_DATASET}.csv`)).body;
      expect(body).not.toContain('DG-TAX');
      expect(body).toContain('PUBLIC');
      for (const count of exchangesColumn(body)) expect(count).toBeGreaterThanOrEqual(7);
    } finally {
      config.STATS_MIN_COUNT = THRESHOLD;
    }
  });

  it('refreshes in one process at a time (an advisory lock), and skips a day already published', async () => {
    const holder = new pg.Client({ connectionString: gateway.databaseUrl });
    await holder.connect();
    try {
      await holder.query(`select pg_advisory_lock(hashtext('causeway:exchange-stats'))`);
      expect((await statistics.refresh({ through: TODAY() })).skipped).toBe('LOCKED');
      await holder.query(`select pg_advisory_unlock(hashtext('causeway:exchange-stats'))`);
    } finally {
      await holder.end();
    }
    expect((await statistics.refresh({ through: TODAY(), onlyIfStale: true })).skipped).toBe('FRESH');
  });

  it('stats:refresh publishes whole days for scripts (JSON report) and refuses a day that is not over', async () => {
    const cli = (...args: string[]) =>
      run(process.execPath, ['dist/apps/gateway/src/cli.js', ...args], {
        env: { ...process.env, DATABASE_URL: gateway.databaseUrl, CAUSEWAY_DATA_DIR: gateway.dataDir, LOG_LEVEL: 'error' },
      })
        .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
        .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }));
    const refused = await cli('stats:refresh', '--through', TODAY());
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--through must be a day that is over');
    const yesterday = chinaDate(new Date(Date.now() - 86_400_000));
    const published = (await gateway.http('GET', `/open/datasets/${STATS_DATASET}.csv`)).body;
    const done = await cli('stats:refresh', '--through', yesterday, '--json');
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    // Nothing happened before today in this fresh database: nothing to publish, and today's version stays current.
    expect(JSON.parse(done.stdout)).toMatchObject({ skipped: 'EMPTY', through: yesterday, cellsPublished: 0, threshold: THRESHOLD });
    expect((await gateway.http('GET', `/open/datasets/${STATS_DATASET}.csv`)).body).toBe(published);

    // The year of settled days was counted once and kept; today, not over, was not kept.
    const db = gateway.app.get<DataSource>(getDataSourceToken() as string);
    const kept = async () => (await db.query(`select min(day)::text as first, max(day)::text as last, count(*)::int as days, max(counted_at) as at from exchange_stats_day`)) as { first: string; last: string; days: number; at: Date }[];
    const [before] = await kept();
    // (Within 15 minutes after midnight, China time, yesterday is not settled yet: counted live, not kept.)
    const settled = lastSettledDay(new Date()) < yesterday ? lastSettledDay(new Date()) : yesterday;
    expect(before!.last).toBe(settled);
    expect(before!.days).toBeGreaterThanOrEqual(365);
    expect(await cli('stats:refresh', '--through', yesterday, '--json')).toMatchObject({ code: 0 });
    const [after] = await kept();
    expect(after).toEqual(before);
  });
});

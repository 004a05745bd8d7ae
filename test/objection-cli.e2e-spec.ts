import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FieldType, OpenType, Sensitivity, SharingType, UpdateCycle } from '@causeway/catalogue';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const run = promisify(execFile);

describe('objections:statistics on the command line', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await TestGateway.start();
  });
  afterAll(() => gateway.close());

  const cli = (...args: string[]) =>
    run(process.execPath, ['dist/apps/gateway/src/cli.js', ...args], {
      env: { ...process.env, DATABASE_URL: gateway.databaseUrl, CAUSEWAY_DATA_DIR: gateway.dataDir, LOG_LEVEL: 'error' },
    }).then(({ stdout }) => stdout);

  it('prints the per-provider counts as a table or as JSON', async () => {
    expect(await cli('objections:statistics')).toBe('no objections\n');
    await gateway.dataset('DG-HEALTH', {
      code: 'CLI-OPEN',
      apiName: 'cliOpen',
      title: '开放数据',
      summary: '命令行测试',
      category: '基础',
      updateCycle: UpdateCycle.MONTHLY,
      sharingType: SharingType.UNCONDITIONAL,
      openType: OpenType.OPEN,
      license: 'CC-BY-4.0',
      fields: [{ name: 'itemNo', title: '编号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC }],
    });
    await loadVersion(gateway, 'DG-HEALTH', 'CLI-OPEN', [{ itemNo: 'A1' }]);
    const filed = await gateway.gql(`mutation($input: FileObjectionInput!) { fileObjection(input: $input) { id } }`, {
      input: { dataset: 'CLI-OPEN', records: [{ itemNo: 'A1' }], evidence: '编号有误', contact: '020 12345678' },
    });
    expect(filed.errors).toBeUndefined();
    const table = await cli('objections:statistics');
    expect(table.split('\n')[1]).toMatch(/^DG-HEALTH +1 +1 +0 +0 +0 +0 +0 +0$/);
    expect(JSON.parse(await cli('objections:statistics', '--json', '--provider', 'DG-HEALTH'))).toEqual([
      { providerDepartmentCode: 'DG-HEALTH', received: 1, open: 1, overdue: 0, answered: 0, answeredInTime: 0, confirmed: 0, corrected: 0, rejected: 0 },
    ]);
  });
});

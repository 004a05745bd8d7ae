import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '@causeway/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DataSource } from 'typeorm';
import { TestGateway } from './support/gateway.js';

const run = promisify(execFile);

describe('the workflow commands: calendar:import, calendar:list, overdue:list', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await TestGateway.start();
  });
  afterAll(() => gateway.close());

  const cli = (...args: string[]) =>
    run(process.execPath, ['dist/apps/gateway/src/cli.js', ...args], {
      env: { ...process.env, DATABASE_URL: gateway.databaseUrl, CAUSEWAY_DATA_DIR: gateway.dataDir, LOG_LEVEL: 'error' },
    })
      .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
      .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }));

  it('imports a year from a file, lists it, and records the import in the audit trail', async () => {
    const file = path.join(gateway.dataDir, 'cn-2030.json');
    const days = [
      { date: '2030-01-01', kind: 'HOLIDAY', name: '元旦' },
      { date: '2030-01-05', kind: 'WORKDAY', name: '元旦调休上班' },
    ];
    await writeFile(file, JSON.stringify({ years: [{ year: 2030, provisional: false, source: '测试通知', days }] }));
    const imported = await cli('calendar:import', file);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toBe('2030: 2 days loaded\n');
    const listed = await cli('calendar:list', '--year', '2030');
    expect(listed.stdout).toContain('2030: 测试通知');
    expect(listed.stdout).toContain('2030-01-05  WORKDAY  元旦调休上班');
    const db = gateway.app.get<DataSource>(getDataSourceToken() as string);
    const audit = (await db.query(`select action, principal from audit_event where target = 'calendar:2030'`)) as { action: string; principal: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]!.action).toBe('calendar.import');
    expect(audit[0]!.principal).toMatch(/^cli:/);
  });

  it('refuses a malformed calendar file, naming each problem, and changes nothing', async () => {
    const file = path.join(gateway.dataDir, 'bad.json');
    await writeFile(file, JSON.stringify({ years: [{ year: 2031, provisional: 'no', source: 'x', days: [{ date: '2031-02-30', kind: 'DAYOFF', name: '' }] }] }));
    const refused = await cli('calendar:import', file);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('years[0].provisional: must be true or false');
    expect(refused.stderr).toContain('years[0].days[0].date: must be a date of 2031 as YYYY-MM-DD');
    expect(refused.stderr).toContain('years[0].days[0].kind: must be HOLIDAY or WORKDAY');
    expect((await cli('calendar:list', '--year', '2031')).stdout).toBe('2031: no calendar loaded: counted Monday to Friday\n');
  });

  it('lists what is overdue, for a daily run', async () => {
    expect((await cli('overdue:list')).stdout).toBe('nothing is overdue\n');
    const steward = await gateway.person('DG-TAX', 'steward@tax.test', [Role.STEWARD]);
    const submitted = await gateway.gql<{ submitDemand: { id: string } }>(
      `mutation($input: SubmitDemandInput!) { submitDemand(input: $input) { id } }`,
      { input: { title: '不动产登记信息', description: '权利人与坐落', fields: ['权利人'], purpose: '计税' } },
      steward,
    );
    const id = submitted.data!.submitDemand.id;
    const db = gateway.app.get<DataSource>(getDataSourceToken() as string);
    await db.query(`update demand set assign_deadline = now() - interval '10 days' where id = $1`, [id]);
    const listed = await cli('overdue:list');
    expect(listed.stdout).toMatch(new RegExp(`^DEMAND +${id} +ASSIGN .* DG-TAX → platform +不动产登记信息\\n$`));
    const json = JSON.parse((await cli('overdue:list', '--json')).stdout) as { id: string; stage: string }[];
    expect(json.map((item) => [item.id, item.stage])).toEqual([[id, 'ASSIGN']]);
  });
});

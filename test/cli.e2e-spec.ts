import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TestGateway } from './support/gateway.js';

const run = promisify(execFile);

describe('the causeway command line', () => {
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

  it('creates a department, a steward and a system client whose key works at once', async () => {
    expect((await cli('department:create', '--code', 'DG-EDU', '--name', '教育局', '--division', '440100')).code).toBe(0);
    const user = await cli('user:create', '--department', 'DG-EDU', '--email', 'steward@edu.test', '--roles', 'STEWARD', '--password', 'a long enough passphrase');
    expect(user.stdout).toContain('created user steward@edu.test (STEWARD) in DG-EDU');

    const created = await cli('client:create', '--department', 'DG-EDU', '--name', 'edu-system', '--json');
    expect(created.code).toBe(0);
    const printed = JSON.parse(created.stdout) as { id: string; key: string };
    expect(Object.keys(printed).sort()).toEqual(['id', 'key']);

    const me = await gateway.gql<{ me: { department: { code: string } } }>('{ me { department { code } } }', {}, printed.key);
    expect(me.data?.me.department.code).toBe('DG-EDU');
  });

  it('says what is wrong with a flag and exits non-zero', async () => {
    const missing = await cli('client:create', '--department', 'DG-EDU');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--name is required, e.g. --name tax-collection');

    const badRoles = await cli('client:create', '--department', 'DG-EDU', '--name', 'x-bot', '--roles', 'ANALYST');
    expect(badRoles.stderr).toMatch(/--roles takes a comma-separated list of CONSUMER, STEWARD, AUDITOR, ADMIN/);

    const unknown = await cli('client:create', '--department', 'DG-NOPE', '--name', 'x-bot');
    expect(unknown.stderr).toContain('no department has the code "DG-NOPE"');

    const unknownCommand = await cli('frobnicate');
    expect(unknownCommand.code).not.toBe(0);
  });

  it('reports that the database is up to date', async () => {
    const migrate = await cli('migrate');
    expect(migrate.stdout).toContain('database is up to date');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
      env: { ...process.env, DATABASE_URL: gateway.databaseUrl, CAUSEWAY_DATA_DIR: gateway.dataDir, LOG_LEVEL: 'error', PORT: '3456' },
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

  it('`npm run causeway -- … --json` prints only JSON on stdout: the build it runs first says nothing there', async () => {
    // `npm run causeway` is `node scripts/build.mjs --no-console && node …/cli.js`: the build must keep stdout clean.
    const scripts = (JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.causeway).toMatch(/^node scripts\/build\.mjs --no-console && node /);
    const outDir = await mkdtemp(path.join(os.tmpdir(), 'causeway-build-'));
    try {
      const quiet = await run(process.execPath, ['scripts/build.mjs', '--out-dir', outDir], { env: { ...process.env, npm_config_loglevel: 'silent' } });
      expect(quiet).toEqual({ stdout: '', stderr: '' });
      const plain = await run(process.execPath, ['scripts/build.mjs', '--out-dir', outDir], { env: { ...process.env, npm_config_loglevel: 'notice' } });
      expect(plain.stdout).toBe('');
      expect(plain.stderr).toMatch(/^built \d+ files in \d+ ms\n$/);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }

    const created = await cli('client:create', '--department', 'DG-EDU', '--name', 'edu-json', '--json');
    expect(Object.keys(JSON.parse(created.stdout) as object).sort()).toEqual(['id', 'key']);
    // An export to stdout is the export alone: a CSV starts with its byte order mark, JSONL with its header.
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const csv = await cli('audit:export', '--from', from, '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFFseq,at,action,')).toBe(true);
    const before = Date.now();
    const jsonl = await cli('audit:export', '--from', from);
    const after = Date.now();
    const header = JSON.parse(jsonl.stdout.split('\n')[0]!) as { type: string; to: string };
    expect(header.type).toBe('causeway-audit-export');
    // Without --to, the export runs up to the moment it was made.
    expect(Date.parse(header.to)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(header.to)).toBeLessThanOrEqual(after);

    const verdict = await cli('audit:verify', '--json');
    expect(verdict.code).toBe(0);
    expect(JSON.parse(verdict.stdout)).toEqual(expect.objectContaining({ source: expect.any(String) }));
  });

  it('seed --demo says the demo city is seeded and how to serve it, not that Causeway is running', async () => {
    const seeded = await cli('seed', '--demo');
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).not.toContain('Causeway is running');
    expect(seeded.stdout).toContain('The demo city is seeded. Start the gateway (npm start)');
    expect(seeded.stdout).toContain('http://localhost:3456/graphql');

    const report = await cli('ingest', 'AMR-ENT-REG', 'test/fixtures/ingest/demo/amr-ent-reg.gbk.csv', '--json');
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toEqual(expect.objectContaining({ dataset: 'AMR-ENT-REG' }));
  });
});

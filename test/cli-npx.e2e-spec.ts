import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TestGateway } from './support/gateway.js';

const run = promisify(execFile);
// Each command starts npm and node, then boots the CLI: seconds apiece on a loaded 2-core machine.
const SPAWNS_TIMEOUT = 180_000;

describe('`npx causeway`: the command line with a stdout that is the command’s alone', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await TestGateway.start();
  });
  afterAll(() => gateway.close());

  /** As a user types it in the project root: `npx causeway <command> …`, through npm's own npx. */
  const npx = (...args: string[]) =>
    run('npx', ['causeway', ...args], {
      env: { ...process.env, DATABASE_URL: gateway.databaseUrl, CAUSEWAY_DATA_DIR: gateway.dataDir, LOG_LEVEL: 'error' },
    });

  it('is the package’s bin, so npx runs this project’s CLI and not a package of the registry', async () => {
    const manifest = JSON.parse(await readFile('package.json', 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ causeway: 'scripts/causeway.mjs' });
  });

  it('prints JSON alone on stdout for overdue:list, objections:statistics and audit:verify', async () => {
    const overdue = await npx('overdue:list', '--json');
    expect(JSON.parse(overdue.stdout)).toEqual([]);

    const objections = await npx('objections:statistics', '--json');
    expect(JSON.parse(objections.stdout)).toEqual([]);


    const verdict = await npx('audit:verify', '--json');
    expect(JSON.parse(verdict.stdout)).toEqual(expect.objectContaining({ source: expect.any(String) }));
  }, SPAWNS_TIMEOUT);

  it('passes the exit code and stderr of a failed command through', async () => {
    const failed = await npx('client:create', '--department', 'DG-NOPE', '--name', 'x-bot', '--json').catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect((failed as { stderr: string }).stderr).toContain('no department has the code "DG-NOPE"');
  }, SPAWNS_TIMEOUT);

  it('builds first when the build is missing or older than a source, with the build’s note on stderr', async () => {
    // A copy of the sources (dist/ of this checkout stays as the other tests use it).
    const copy = await mkdtemp(path.join(os.tmpdir(), 'causeway-npx-'));
    try {
      await cp('scripts', path.join(copy, 'scripts'), { recursive: true });
      for (const top of ['apps', 'libs']) {
        await cp(top, path.join(copy, top), { recursive: true, filter: (source) => !/(^|\/)(node_modules|dist)$/.test(source) && source !== path.join('apps', 'console') });
      }
      await symlink(path.resolve('node_modules'), path.join(copy, 'node_modules'));
      // The build's note is left out only under npm's silent log level.
      const help = () => run(process.execPath, [path.join(copy, 'scripts', 'causeway.mjs'), '--help'], { env: { ...process.env, npm_config_loglevel: 'notice' } });

      const first = await help();
      expect(first.stderr).toMatch(/^built \d+ files in \d+ ms\n$/);
      expect(first.stdout).toMatch(/^Usage: causeway /);
      expect(await help()).toEqual({ stdout: first.stdout, stderr: '' });

      const later = new Date(Date.now() + 60_000);
      await utimes(path.join(copy, 'libs', 'core', 'src', 'config.ts'), later, later);
      const rebuilt = await help();
      expect(rebuilt.stderr).toMatch(/^built \d+ files in \d+ ms\n$/);
      expect(rebuilt.stdout).toBe(first.stdout);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  }, SPAWNS_TIMEOUT);
});

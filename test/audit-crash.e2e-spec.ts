import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * test/crash/audit-crash-test.mjs in CI, shortened: one kill -9 in the middle of the load and one
 * SIGTERM. It starts real gateway processes on a database of the test server.
 */
describe('audit: crash and graceful shutdown', () => {
  it('keeps an event for every response received across kill -9 and SIGTERM, and the chain verifies', async () => {
    const result = await run(process.execPath, ['test/crash/audit-crash-test.mjs', '--rounds', '1', '--seconds', '1.5', '--connections', '8'], {
      env: { ...process.env, DATABASE_URL: process.env.CAUSEWAY_TEST_SERVER_URL },
      timeout: 150_000,
    }).catch((error: { code: number; stdout: string; stderr: string }) => ({ stdout: `${error.stdout}\n${error.stderr}`, code: error.code }));
    expect(result.stdout).toContain('audit crash test: PASS');
    expect(result.stdout).toMatch(/responses received; 0 of them without an event; 0 requests with more than one event/);
  }, 180_000);
});

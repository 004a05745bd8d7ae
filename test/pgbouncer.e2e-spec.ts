import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/*
 * A gateway whose DATABASE_URL goes through pgbouncer refuses to start and says what to change
 * (docs/deployment.md, "Connection poolers"). Needs the pgbouncer program (Debian: apt-get install
 * pgbouncer); skipped, saying so, where it is absent.
 */

const run = promisify(execFile);
const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'].find((candidate) => existsSync(candidate)) ?? null;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('a gateway behind pgbouncer', () => {
  let folder = '';
  let server: URL;
  const bouncers: ChildProcess[] = [];

  beforeAll(async () => {
    if (!PGBOUNCER) return;
    folder = await mkdtemp(path.join(os.tmpdir(), 'causeway-pgbouncer-'));
    // pgbouncer will not run as root: it switches to the "postgres" user, who must read its files.
    await chmod(folder, 0o755);
    server = new URL(process.env.CAUSEWAY_TEST_SERVER_URL!);
    const database = `causeway_pgbouncer_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: server.toString() });
    await admin.connect();
    await admin.query(`create database ${pg.escapeIdentifier(database)}`);
    await admin.end();
    server.pathname = `/${database}`;
  });

  afterAll(async () => {
    for (const bouncer of bouncers) bouncer.kill('SIGTERM');
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  /** Starts pgbouncer in front of the test server; answers a DATABASE_URL through it. */
  async function bouncer(name: string, settings: string): Promise<string> {
    const port = await freePort();
    const user = decodeURIComponent(server.username);
    const password = decodeURIComponent(server.password);
    await writeFile(path.join(folder, `${name}.users`), `"${user}" "${password}"\n`, { mode: 0o644 });
    await writeFile(
      path.join(folder, `${name}.ini`),
      [
        '[databases]',
        `* = host=${server.hostname} port=${server.port}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = plain',
        `auth_file = ${path.join(folder, `${name}.users`)}`,
        settings,
      ].join('\n'),
      { mode: 0o644 },
    );
    const child = spawn(PGBOUNCER!, [...(process.getuid?.() === 0 ? ['-u', 'postgres'] : []), path.join(folder, `${name}.ini`)], { stdio: 'ignore' });
    bouncers.push(child);
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const listening = await new Promise<boolean>((resolve) => {
        const probe = new pg.Client({ host: '127.0.0.1', port, user, password, database: server.pathname.slice(1) });
        probe.on('error', () => undefined);
        probe.connect().then(
          () => probe.end().then(() => resolve(true)),
          () => resolve(false),
        );
      });
      if (listening) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const through = new URL(server.toString());
    through.port = String(port);
    return through.toString();
  }

  async function start(databaseUrl: string): Promise<{ code: number; stderr: string }> {
    const dataDir = await mkdtemp(path.join(folder, 'data-'));
    return run(process.execPath, ['dist/apps/gateway/src/main.js'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, CAUSEWAY_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test' },
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
  }

  it('in transaction mode, which silently drops session settings, is refused at start naming DATABASE_URL', async () => {
    if (!PGBOUNCER) {
      process.stderr.write('pgbouncer: skipped: no pgbouncer program on this machine (apt-get install pgbouncer)\n');
      return;
    }
    const started = await start(await bouncer('transaction', 'pool_mode = transaction\nignore_startup_parameters = options'));
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('DATABASE_URL drops startup options');
    expect(started.stderr).toContain('Point DATABASE_URL straight at PostgreSQL');
  });

  it('in session mode, which refuses session settings, is refused at start naming DATABASE_URL', async () => {
    if (!PGBOUNCER) {
      process.stderr.write('pgbouncer: skipped: no pgbouncer program on this machine (apt-get install pgbouncer)\n');
      return;
    }
    const started = await start(await bouncer('session', 'pool_mode = session'));
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('DATABASE_URL refuses startup options');
  });
});

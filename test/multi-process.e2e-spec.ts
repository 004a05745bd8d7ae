import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CausewayConfig } from '@causeway/core';
import { EmbeddedPostgres, ReplicaRouter, type DatabaseServer } from '@causeway/database';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/*
 * Several gateway processes for real: two `dist/apps/gateway/src/main.js` children on one
 * PostgreSQL primary of their own, with a streaming replica of it (DATABASE_REPLICA_URLS), and the
 * CLI as a third process. The replica is seeded from a hot base backup by EmbeddedPostgres
 * (pg_backup_start/stop and a copy: the embedded packages ship no pg_basebackup, and Debian's
 * PostgreSQL 15 pg_basebackup refuses the embedded PostgreSQL 18 server).
 */

const run = promisify(execFile);
const JWT_SECRET = 'one master secret shared by every replica of the rig';
const AUDIT_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

interface Gateway {
  name: string;
  port: number;
  child: ChildProcess;
  output: () => string;
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

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

/** Asks until `check` holds or `limitMs` has passed, and returns the last answer (the caller asserts on it). */
async function eventually<T>(ask: () => Promise<T>, check: (value: T) => boolean, limitMs = 1000): Promise<T> {
  const deadline = Date.now() + limitMs;
  let value = await ask();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await ask();
  }
  return value;
}

const ME = '{ me { department { code } } }';
const REGISTER = 'mutation($input: RegisterDatasetInput!) { registerDataset(input: $input) { code } }';
const READ = '{ records(dataset: "RIG-PEOPLE", fields: ["age"]) { nodes } }';
const RIG_DATASET = {
  code: 'RIG-PEOPLE',
  apiName: 'rigPeople',
  title: '人口测试',
  summary: '多进程测试用',
  category: '基础',
  updateCycle: 'DAILY',
  sharingType: 'CONDITIONAL',
  sharingCondition: '依法履职',
  sharingBasis: '测试依据',
  openType: 'CLOSED',
  fields: [
    { name: 'idCard', title: '身份证号', type: 'STRING', isKey: true, nullable: false, sensitivity: 'SENSITIVE', sharingType: 'CONDITIONAL', mask: 'ID_CARD' },
    { name: 'age', title: '年龄', type: 'INTEGER', sensitivity: 'PUBLIC', sharingType: 'CONDITIONAL' },
  ],
};

describe('several gateway processes on one database', () => {
  let root = '';
  let primary: EmbeddedPostgres | null = null;
  let standby: EmbeddedPostgres | null = null;
  let skipped: string | null = null;
  let replicaSkipped: string | null = null;
  const gateways: Gateway[] = [];
  let adminKey = '';
  let stewardKey = '';
  let requestSeq = 0;

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    DATABASE_URL: primary!.url,
    JWT_SECRET,
    AUDIT_SIGNING_KEY,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    ...extra,
  });

  const cli = async (...args: string[]) => (await run(process.execPath, ['dist/apps/gateway/src/cli.js', ...args], { env: env({ CAUSEWAY_DATA_DIR: path.join(root, 'cli') }) })).stdout;
  /** The one JSON document a `--json` command prints. */
  const cliJson = async <T>(...args: string[]): Promise<T> => {
    const printed = await cli(...args, '--json');
    try {
      return JSON.parse(printed) as T;
    } catch {
      throw new Error(`causeway ${args[0]} --json printed more than JSON: ${printed.slice(0, 500)}`);
    }
  };

  async function startGateway(name: string): Promise<Gateway> {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/apps/gateway/src/main.js'], {
      env: env({ PORT: String(port), HOST: '127.0.0.1', CAUSEWAY_DATA_DIR: path.join(root, name), ...(standby ? { DATABASE_REPLICA_URLS: standby.url } : {}) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const gateway = { name, port, child, output: () => output };
    const deadline = Date.now() + 45_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`gateway ${name} exited at start: ${output}`);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((response) => response.ok, () => false);
      if (ready) return gateway;
      if (Date.now() > deadline) throw new Error(`gateway ${name} not ready within 45 s: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function gql<T>(gateway: Gateway, query: string, variables: Record<string, unknown>, key?: string): Promise<GraphQLAnswer<T>> {
    const response = await fetch(`http://127.0.0.1:${gateway.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `rig-${gateway.name}-${++requestSeq}`, ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLAnswer<T>;
  }

  const a = () => gateways[0]!;
  const b = () => gateways[1]!;

  /** True when the test must not run; says why once. */
  function skip(what: string, reason: string | null): boolean {
    if (reason) process.stderr.write(`multi-process: skipped "${what}": ${reason}\n`);
    return reason !== null;
  }

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'causeway-rig-'));
    // The embedded server runs as the "postgres" user when root runs the tests: it must reach the folders.
    await chmod(root, 0o755);
    await mkdir(path.join(root, 'cli'));
    try {
      primary = await EmbeddedPostgres.open({ dataDir: path.join(root, 'primary'), database: 'causeway', fast: true });
    } catch (error) {
      skipped = `no PostgreSQL primary could be started for the rig (${(error as Error).message.slice(0, 300)})`;
      return;
    }
    try {
      standby = await primary.startStandby(path.join(root, 'standby-pg'));
    } catch (error) {
      replicaSkipped = `no streaming replica could be made (${(error as Error).message.slice(0, 300)})`;
    }
    // Migrations, the secret's fingerprint and a department (so the gateways seed no demo city), by the CLI.
    await cli('department:create', '--code', 'DG-RIG', '--name', '测试局', '--division', '440100');
    adminKey = (await cliJson<{ key: string }>('client:create', '--department', 'DG-RIG', '--name', 'rig-admin', '--roles', 'ADMIN,CONSUMER')).key;
    gateways.push(...(await Promise.all([startGateway('a'), startGateway('b')])));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      gateways.map(
        (gateway) =>
          new Promise<void>((resolve) => {
            if (gateway.child.exitCode !== null) return resolve();
            gateway.child.once('exit', () => resolve());
            gateway.child.kill('SIGTERM');
          }),
      ),
    );
    await standby?.stop();
    await primary?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('a department and a client created by the CLI are usable at once on both gateways', async () => {
    if (skip('CLI department and client', skipped)) return;
    // Both gateways have their departments in memory (DG-RIG) before the CLI adds one.
    expect((await gql<{ me: { department: { code: string } } }>(a(), ME, {}, adminKey)).data?.me.department.code).toBe('DG-RIG');
    expect((await gql<{ me: { department: { code: string } } }>(b(), ME, {}, adminKey)).data?.me.department.code).toBe('DG-RIG');

    await cli('department:create', '--code', 'DG-NEW', '--name', '新设局', '--division', '440100');
    stewardKey = (await cliJson<{ key: string }>('client:create', '--department', 'DG-NEW', '--name', 'new-steward', '--roles', 'STEWARD')).key;

    for (const gateway of gateways) {
      const me = await gql<{ me: { department: { code: string } | null } }>(gateway, ME, {}, stewardKey);
      expect(me.errors).toBeUndefined();
      expect(me.data?.me.department?.code).toBe('DG-NEW');
    }
    const registered = await gql(b(), REGISTER, { input: RIG_DATASET }, stewardKey);
    expect(registered.errors).toBeUndefined();
  });

  it('a key revoked on gateway A is refused on gateway B within a second', async () => {
    if (skip('key revocation across gateways', skipped)) return;
    const created = await gql<{ createSystemClient: { key: string; client: { id: string } } }>(
      a(),
      'mutation($input: CreateSystemClientInput!) { createSystemClient(input: $input) { key client { id } } }',
      { input: { department: 'DG-RIG', name: 'rig-leaked', roles: ['CONSUMER'] } },
      adminKey,
    );
    const { key, client } = created.data!.createSystemClient;
    expect((await gql(b(), ME, {}, key)).errors).toBeUndefined();

    const revoked = await gql(a(), 'mutation($id: ID!) { revokeSystemClient(id: $id, reason: "leaked") { revokedAt } }', { id: client.id }, adminKey);
    expect(revoked.errors).toBeUndefined();
    const refused = await eventually(
      () => gql(b(), ME, {}, key),
      (answer) => answer.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a grant revoked on gateway A stops reads on gateway B within a second, even while the replica replays nothing', async () => {
    if (skip('grant revocation across gateways', skipped)) return;
    const upload = await fetch(`http://127.0.0.1:${a().port}/api/v1/datasets/RIG-PEOPLE/versions?publish=true`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${stewardKey}` },
      body: 'idCard,age\n440106199001011234,36\n440106198502023456,41\n',
    });
    expect(upload.status).toBe(201);
    const requested = await gql<{ requestAccess: { id: string } }>(
      b(),
      'mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }',
      { input: { dataset: 'RIG-PEOPLE', fields: ['age'], purpose: '核验' } },
      adminKey,
    );
    const approved = await gql<{ approveAccessRequest: { grant: { id: string } } }>(
      a(),
      'mutation($id: ID!) { approveAccessRequest(id: $id) { grant { id } } }',
      { id: requested.data!.requestAccess.id },
      stewardKey,
    );
    const grantId = approved.data!.approveAccessRequest.grant.id;
    const granted = await eventually(() => gql<{ records: { nodes: unknown[] } }>(b(), READ, {}, adminKey), (answer) => answer.data?.records.nodes.length === 2, 5000);
    expect(granted.data?.records.nodes).toEqual([{ age: 36 }, { age: 41 }]);

    let replica: pg.Client | null = null;
    try {
      if (!skip('grant revocation with the replica paused', replicaSkipped)) {
        replica = new pg.Client({ connectionString: standby!.url });
        // Stopping the servers at the end ends this connection too: not an error of the test.
        replica.on('error', () => undefined);
        await replica.connect();
        const onReplica = replica;
        // Dataset rows come from the replica (its data pool connected there) once it has replayed the
        // new version and counts as fresh: on a busy machine that may take a few reads.
        const exchangeConnections = await eventually(
          async () => {
            await gql(b(), READ, {}, adminKey);
            return (await onReplica.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where application_name = 'causeway-exchange'`)).rows[0]!.n;
          },
          (connections) => connections > 0,
          15_000,
        );
        expect(exchangeConnections).toBeGreaterThan(0);
        await replica.query('select pg_wal_replay_pause()');
      }
      const revoked = await gql(a(), 'mutation($id: ID!) { revokeGrant(id: $id, reason: "ended") { status } }', { id: grantId }, stewardKey);
      expect(revoked.errors).toBeUndefined();
      const refused = await eventually(
        () => gql(b(), READ, {}, adminKey),
        (answer) => answer.errors?.[0]?.extensions?.code === 'FORBIDDEN_FIELDS',
      );
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');
    } finally {
      await replica?.query('select pg_wal_replay_resume()');
      await replica?.end();
    }
  });

  it('a dataset published on gateway A appears in the typed schema of gateway B', async () => {
    if (skip('typed schema across gateways', skipped)) return;
    const typed = await eventually(
      () => gql<{ __type: { fields: { name: string }[] } }>(b(), '{ __type(name: "Query") { fields { name } } }', {}, adminKey),
      (answer) => answer.data?.__type.fields.some((field) => field.name === 'rigPeople') ?? false,
    );
    expect(typed.data?.__type.fields.map((field) => field.name)).toContain('rigPeople');
  });

  it('a replica stops serving dataset rows once it lags past REPLICA_MAX_LAG_MS, and serves again when caught up, however idle the primary', async () => {
    if (skip('replica lag routing', skipped ?? replicaSkipped)) return;
    const maxLagMs = 300;
    const router = new ReplicaRouter({ url: primary!.url, replicaUrls: [standby!.url] } as unknown as DatabaseServer, { REPLICA_MAX_LAG_MS: maxLagMs } as CausewayConfig);
    const writer = new pg.Client({ connectionString: primary!.url });
    const replica = new pg.Client({ connectionString: standby!.url });
    await Promise.all([writer.connect(), replica.connect()]);
    await writer.query('create table if not exists lag_probe (at timestamptz)');
    await router.onModuleInit();
    try {
      expect(await eventually(async () => router.rowsUrl(), (url) => url === standby!.url, 3000)).toBe(standby!.url);
      await replica.query('select pg_wal_replay_pause()');
      // The primary keeps writing; the paused replica falls behind.
      const writing = setInterval(() => void writer.query('insert into lag_probe values (now())').catch(() => undefined), 50);
      try {
        expect(await eventually(async () => router.rowsUrl(), (url) => url === null, 5000)).toBeNull();
      } finally {
        clearInterval(writing);
        await replica.query('select pg_wal_replay_resume()');
      }
      expect(await eventually(async () => router.rowsUrl(), (url) => url === standby!.url, 5000)).toBe(standby!.url);
      // Nothing written for several times the allowed lag: caught up is caught up, whatever the age of the last replayed transaction.
      await new Promise((resolve) => setTimeout(resolve, maxLagMs * 4));
      expect(router.rowsUrl()).toBe(standby!.url);
    } finally {
      await router.onModuleDestroy();
      await Promise.all([writer.end(), replica.end()]);
    }
  });

  it('both gateways append to one gapless audit chain', async () => {
    if (skip('one audit chain', skipped)) return;
    const client = new pg.Client({ connectionString: primary!.url });
    await client.connect();
    try {
      const counted = await client.query(`select count(*) filter (where request_id like 'rig-a-%')::int as a, count(*) filter (where request_id like 'rig-b-%')::int as b from audit_event`);
      expect(counted.rows[0].a).toBeGreaterThan(0);
      expect(counted.rows[0].b).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
    const verdict = await cliJson<{ ok: boolean; problem: unknown; head: { seq: number } }>('audit:verify');
    expect(verdict).toMatchObject({ ok: true, problem: null });
    expect(verdict.head.seq).toBeGreaterThan(0);
  });
});

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SharingType } from '@causeway/catalogue';
import { Role } from '@causeway/core';
import { ChangeFeed } from '@causeway/database';
import { DepartmentsService, SystemClientsService } from '@causeway/identity';
import { getDataSourceToken } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { grant, PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const run = promisify(execFile);

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
const REGISTER = 'mutation($input: RegisterDatasetInput!) { registerDataset(input: $input) { code providerDepartment { code } } }';
const READ = '{ records(dataset: "PSB-PEOPLE", fields: ["age"]) { nodes } }';

/** Read only under a grant. */
const conditional = peopleRegister({
  sharingType: SharingType.CONDITIONAL,
  sharingCondition: '用于依法履职的身份核验',
  fields: peopleRegister().fields.map((field) => ({ ...field, sharingType: field.sharingType === SharingType.NONE ? SharingType.NONE : SharingType.CONDITIONAL })),
});

describe('one change feed for every gateway process', () => {
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    a = await TestGateway.start();
    b = await a.replica();
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const cli = (...args: string[]) =>
    run(process.execPath, ['dist/apps/gateway/src/cli.js', ...args], {
      env: { ...process.env, DATABASE_URL: a.databaseUrl, CAUSEWAY_DATA_DIR: a.dataDir, LOG_LEVEL: 'error' },
    });

  it('a department and a steward key made by the CLI beside a running gateway work at once, department and all', async () => {
    // The gateway has the departments in memory already (as any busy gateway has).
    await a.department('DG-WARM');
    expect((await a.get(DepartmentsService).all()).map((department) => department.code)).toEqual(['DG-WARM']);

    await cli('department:create', '--code', 'DG-NEW', '--name', '新设局', '--division', '440100');
    const { stdout } = await cli('client:create', '--department', 'DG-NEW', '--name', 'new-steward', '--roles', 'STEWARD', '--json');
    const key = (JSON.parse(stdout) as { key: string }).key;

    const me = await a.gql<{ me: { department: { code: string } | null } }>(ME, {}, key);
    expect(me.errors).toBeUndefined();
    expect(me.data?.me.department?.code).toBe('DG-NEW');
    const registered = await a.gql<{ registerDataset: { providerDepartment: { code: string } } }>(REGISTER, { input: { ...peopleRegister({ code: 'NEW-PEOPLE', apiName: 'newPeople' }) } }, key);
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.registerDataset.providerDepartment.code).toBe('DG-NEW');
  });

  it('a key revoked on one gateway is refused on the other within a second', async () => {
    const key = await b.client('DG-TAX', 'tax-revoked');
    expect((await a.gql(ME, {}, key)).errors).toBeUndefined();
    const client = (await b.get(SystemClientsService).list('DG-TAX')).find((found) => found.name === 'tax-revoked')!;
    await b.get(SystemClientsService).revoke(null, client.id, 'leaked');
    const answer = await eventually(
      () => a.gql(ME, {}, key),
      (response) => response.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a grant revoked on one gateway stops reads on the other within a second', async () => {
    const steward = await a.client('DG-PSB', 'psb-steward', [Role.STEWARD]);
    const consumer = await a.client('DG-TAX', 'tax-reader');
    await a.dataset('DG-PSB', conditional);
    await loadVersion(a, 'DG-PSB', 'PSB-PEOPLE', PEOPLE);
    expect((await b.gql(READ, {}, consumer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');
    const grantId = await grant(a, 'DG-PSB', 'DG-TAX', 'PSB-PEOPLE', { fields: ['age'] });
    const granted = await eventually(() => b.gql(READ, {}, consumer), (response) => response.errors === undefined);
    expect(granted.errors).toBeUndefined();

    const revoked = await a.gql('mutation($id: ID!) { revokeGrant(id: $id, reason: "ended") { status } }', { id: grantId }, steward);
    expect(revoked.errors).toBeUndefined();
    const refused = await eventually(
      () => b.gql(READ, {}, consumer),
      (response) => response.errors !== undefined,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_FIELDS');
  });

  it('a dataset published on one gateway appears in the typed schema of the other', async () => {
    const consumer = await a.client('DG-TAX', 'tax-typed');
    const query = '{ __type(name: "Query") { fields { name } } }';
    const typed = await eventually(
      () => b.gql<{ __type: { fields: { name: string }[] } }>(query, {}, consumer),
      (response) => response.data?.__type.fields.some((field) => field.name === 'peopleRegister') ?? false,
    );
    expect(typed.data?.__type.fields.map((field) => field.name)).toContain('peopleRegister');
  });

  it('a principal whose department cannot be resolved is refused, never served without a department', async () => {
    const key = await a.client('DG-ODD', 'odd-system');
    const departments = a.get(DepartmentsService);
    const lookup = jest.spyOn(departments, 'byId').mockResolvedValue(null);
    try {
      const me = await a.gql<{ me: { department: unknown } | null }>(ME, {}, key);
      expect(me.data?.me ?? null).toBeNull();
      expect(me.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      lookup.mockRestore();
    }
  });

  it('a gateway replica started with another JWT_SECRET refuses to start, naming JWT_SECRET', async () => {
    const started = await run(process.execPath, ['dist/apps/gateway/src/main.js'], {
      env: { ...process.env, DATABASE_URL: a.databaseUrl, CAUSEWAY_DATA_DIR: a.dataDir, PORT: '0', LOG_LEVEL: 'silent', JWT_SECRET: 'another secret of at least thirty-two characters' },
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('JWT_SECRET differs from the master secret this database was first started with');
  });

  it('a change notice reaches every process only if its transaction commits', async () => {
    const heard = { a: [] as string[], b: [] as string[] };
    const subscriptions = (['a', 'b'] as const).map((name) =>
      (name === 'a' ? a : b).get(ChangeFeed).events.subscribe((event) => heard[name].push(`${event.channel}:${event.key}`)),
    );
    try {
      const db = a.app.get<DataSource>(getDataSourceToken() as string);
      const feed = a.get(ChangeFeed);
      await db
        .transaction(async (tx) => {
          await feed.notify(tx, 'grants', 'rolled-back');
          throw new Error('the write fails after its notice');
        })
        .catch(() => undefined);
      await db.transaction((tx) => feed.notify(tx, 'grants', 'committed'));
      const both = await eventually(
        async () => heard,
        (seen) => seen.a.includes('grants:committed') && seen.b.includes('grants:committed'),
      );
      expect(both.a).toContain('grants:committed');
      expect(both.b).toContain('grants:committed');
      expect([...both.a, ...both.b]).not.toContain('grants:rolled-back');
    } finally {
      subscriptions.forEach((subscription) => subscription.unsubscribe());
    }
  });

  it('a department written while the change feed was cut off is seen without waiting for the backstop', async () => {
    const departments = a.get(DepartmentsService);
    await departments.all();
    const admin = new pg.Client({ connectionString: a.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'causeway-change-feed' and datname = current_database()`);
      // Written with no notice at all: only the feed's reconnection (or its absence) can tell the caches.
      await admin.query(`insert into department (code, name) values ('DG-MISSED', '漏报局')`);
    } finally {
      await admin.end();
    }
    const found = await eventually(
      () => departments.byCode('DG-MISSED'),
      (department) => department !== null,
      3000,
    );
    expect(found?.code).toBe('DG-MISSED');
    // The feed listens again.
    expect((await eventually(async () => a.get(ChangeFeed).listening, (listening) => listening, 3000))).toBe(true);
  });
});

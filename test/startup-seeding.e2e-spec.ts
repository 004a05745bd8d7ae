import { afterEach, describe, expect, it } from '@jest/globals';
import { Role } from '@causeway/core';
import { DepartmentsService, UsersService } from '@causeway/identity';
import { DEMO_PASSWORD } from '../apps/gateway/src/seed/demo-data.js';
import { StartupDataService } from '../apps/gateway/src/seed/startup-data.js';
import { TestGateway } from './support/gateway.js';

const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'a-test-secret-of-at-least-thirty-two-characters' };
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token user { roles } } }';

describe('start-up seeding: the demo city with its published passwords only when asked', () => {
  let gateway: TestGateway | null = null;

  afterEach(async () => {
    await gateway?.close();
    gateway = null;
  });

  it('a production gateway on an empty database seeds no demo city and no demo admin, and says how to create the first admin', async () => {
    gateway = await TestGateway.start({ env: PRODUCTION });
    const outcome = await gateway.get(StartupDataService).prepare();
    expect(outcome).toEqual({ demoSeeded: false, firstAdmin: null, adminMissing: true });
    expect(await gateway.get(DepartmentsService).all()).toEqual([]);
    expect(await gateway.get(UsersService).list()).toEqual([]);
    const demoLogin = await gateway.gql(LOGIN, { input: { email: 'admin@causeway.demo', password: DEMO_PASSWORD } });
    expect(demoLogin.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a production gateway with ADMIN_EMAIL creates the first administrator once, with a one-time random password', async () => {
    gateway = await TestGateway.start({ env: { ...PRODUCTION, ADMIN_EMAIL: 'first.admin@data.gz.gov.cn' } });
    const startup = gateway.get(StartupDataService);
    const outcome = await startup.prepare();
    expect(outcome.demoSeeded).toBe(false);
    expect(outcome.firstAdmin?.email).toBe('first.admin@data.gz.gov.cn');
    expect(outcome.firstAdmin?.password).not.toBe(DEMO_PASSWORD);
    expect(outcome.firstAdmin?.password.length).toBeGreaterThanOrEqual(20);
    const login = await gateway.gql<{ login: { user: { roles: string[] } } }>(LOGIN, {
      input: { email: 'first.admin@data.gz.gov.cn', password: outcome.firstAdmin!.password },
    });
    expect(login.data?.login.user.roles).toEqual(['ADMIN']);
    // A restart finds the administrator and creates nobody (and shows no password) again.
    expect(await startup.prepare()).toEqual({ demoSeeded: false, firstAdmin: null, adminMissing: false });
    expect((await gateway.get(UsersService).list()).map((user) => user.email)).toEqual(['first.admin@data.gz.gov.cn']);
  });

  it('ADMIN_EMAIL naming a person who is not an ADMIN creates no one and does not stop the start', async () => {
    gateway = await TestGateway.start({ env: { ...PRODUCTION, ADMIN_EMAIL: 'steward@data.gz.gov.cn' } });
    await gateway.department('DG-AMR');
    await gateway.get(UsersService).create(null, { department: 'DG-AMR', email: 'steward@data.gz.gov.cn', displayName: 'steward', roles: [Role.STEWARD], password: 'a long enough passphrase' });
    expect(await gateway.get(StartupDataService).prepare()).toEqual({ demoSeeded: false, firstAdmin: null, adminMissing: true });
  });

  it('CAUSEWAY_DEMO=true seeds the demo city in production when asked explicitly', async () => {
    gateway = await TestGateway.start({ env: { ...PRODUCTION, CAUSEWAY_DEMO: 'true' } });
    const outcome = await gateway.get(StartupDataService).prepare();
    expect(outcome).toEqual({ demoSeeded: true, firstAdmin: null, adminMissing: false });
    const demoLogin = await gateway.gql<{ login: { user: { roles: string[] } } }>(LOGIN, { input: { email: 'admin@causeway.demo', password: DEMO_PASSWORD } });
    expect(demoLogin.data?.login.user.roles).toEqual(['ADMIN']);
  });

  it('outside production an empty database still gets the demo city (npm start on the embedded default)', async () => {
    gateway = await TestGateway.start();
    expect(gateway.get(StartupDataService).demoWanted).toBe(true);
  });
});

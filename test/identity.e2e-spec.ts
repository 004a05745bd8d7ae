import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '@causeway/core';
import { SystemClientsService } from '@causeway/identity';
import pg from 'pg';
import { TestGateway } from './support/gateway.js';

const ME = '{ me { kind label roles department { code } } }';

describe('identity: people, system clients and keys', () => {
  let gateway: TestGateway;
  let adminToken: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    adminToken = await gateway.person('GZ-DATA', 'admin@test.gov.cn', [Role.ADMIN]);
  });
  afterAll(() => gateway.close());

  it('answers me for a system client key with its department', async () => {
    const key = await gateway.client('DG-AMR', 'amr-system');
    const result = await gateway.gql<{ me: { kind: string; roles: string[]; department: { code: string } } }>(ME, {}, key);
    expect(result.errors).toBeUndefined();
    expect(result.data?.me).toMatchObject({ kind: 'CLIENT', roles: ['CONSUMER'], department: { code: 'DG-AMR' } });
  });

  it('answers me for a person logged in with a password, and refuses a wrong password without saying which part was wrong', async () => {
    const token = await gateway.person('DG-TAX', 'steward@tax.test', [Role.STEWARD]);
    const me = await gateway.gql<{ me: { kind: string; label: string } }>(ME, {}, token);
    expect(me.data?.me).toMatchObject({ kind: 'USER', label: 'user:steward@tax.test' });

    const wrongPassword = await gateway.gql('mutation { login(input: { email: "steward@tax.test", password: "not the password" }) { token } }');
    const unknownUser = await gateway.gql('mutation { login(input: { email: "nobody@tax.test", password: "not the password" }) { token } }');
    expect(wrongPassword.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(unknownUser.errors?.[0]?.message).toBe(wrongPassword.errors?.[0]?.message);
  });

  it('refuses anonymous callers and malformed or unknown credentials', async () => {
    expect((await gateway.gql(ME)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gateway.gql(ME, {}, 'cw_AAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gateway.gql(ME, {}, 'not-a-key')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('creates a system client whose key is shown once and never returned afterwards', async () => {
    const created = await gateway.gql<{ createSystemClient: { key: string; client: { id: string; keyPrefix: string } } }>(
      'mutation { createSystemClient(input: { department: "DG-AMR", name: "amr-reporting" }) { key client { id keyPrefix roles } } }',
      {},
      adminToken,
    );
    expect(created.errors).toBeUndefined();
    const key = created.data!.createSystemClient.key;
    expect(key).toMatch(/^cw_[A-Za-z0-9]{10}_[A-Za-z0-9]{32}$/);

    const listed = await gateway.http('POST', '/graphql', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query: '{ systemClients(department: "DG-AMR") { id name keyPrefix createdBy } }' }),
    });
    expect(listed.body).toContain('amr-reporting');
    expect(listed.body).not.toContain(key);
    expect(listed.body).not.toContain(key.split('_')[2]);

    const rows = await gateway.app.get(SystemClientsService).list('DG-AMR');
    expect(JSON.stringify(rows)).not.toContain(key.split('_')[2]);
  });

  it('stores only a hash of the key', async () => {
    const key = await gateway.client('DG-HEALTH', 'health-system');
    const db = new pg.Client({ connectionString: gateway.databaseUrl });
    await db.connect();
    const { rows } = await db.query('select * from system_client where name = $1', ['health-system']);
    await db.end();
    expect(JSON.stringify(rows)).not.toContain(key.split('_')[2]);
  });

  it('refuses a revoked key at once', async () => {
    const created = await gateway.gql<{ createSystemClient: { key: string; client: { id: string } } }>(
      'mutation { createSystemClient(input: { department: "DG-AMR", name: "to-revoke" }) { key client { id } } }',
      {},
      adminToken,
    );
    const { key, client } = created.data!.createSystemClient;
    expect((await gateway.gql(ME, {}, key)).errors).toBeUndefined();
    const revoked = await gateway.gql('mutation($id: ID!) { revokeSystemClient(id: $id, reason: "leaked in a ticket") { revokedAt } }', { id: client.id }, adminToken);
    expect(revoked.errors).toBeUndefined();
    const after = await gateway.gql(ME, {}, key);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0]?.message).toMatch(/revoked/);
    expect(after.data ?? null).toBeNull();
  });

  it('refuses an expired key', async () => {
    const service = gateway.app.get(SystemClientsService);
    const soon = new Date(Date.now() + 1500);
    const { key } = await service.create(null, { department: 'DG-AMR', name: 'short-lived', expiresAt: soon });
    expect((await gateway.gql(ME, {}, key)).errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const after = await gateway.gql(ME, {}, key);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0]?.message).toMatch(/expired/);
  });

  it('refuses a key used from outside its allowed networks', async () => {
    const { key } = await gateway.app.get(SystemClientsService).create(null, { department: 'DG-AMR', name: 'fenced', allowedCidrs: ['10.20.0.0/16'] });
    const result = await gateway.gql(ME, {}, key);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets only administrators create clients and users', async () => {
    const consumer = await gateway.client('DG-AMR', 'curious-system');
    const attempt = await gateway.gql('mutation { createSystemClient(input: { department: "DG-AMR", name: "sneaky" }) { key } }', {}, consumer);
    expect(attempt.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(attempt.data ?? null).toBeNull();
  });

  it('names the offending field in validation messages', async () => {
    const result = await gateway.gql(
      'mutation { createUser(input: { department: "DG-AMR", email: "not-an-email", displayName: "x", roles: [STEWARD], password: "short" }) { id } }',
      {},
      adminToken,
    );
    const error = result.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toContain('input.email');
    expect(error?.message).toContain('input.password: must be at least 12 characters');

    const wrongRole = await gateway.gql('mutation { createSystemClient(input: { department: "DG-AMR", name: "analyst-bot", roles: [ANALYST] }) { key } }', {}, adminToken);
    expect(wrongRole.errors?.[0]?.message).toMatch(/input\.roles: ANALYST is a role of people/);

    const unknownDepartment = await gateway.gql('mutation { createSystemClient(input: { department: "DG-NOPE", name: "x-system" }) { key } }', {}, adminToken);
    expect(unknownDepartment.errors?.[0]?.message).toMatch(/input\.department: no department has the code "DG-NOPE"/);
  });

  it('creates departments in a hierarchy', async () => {
    const result = await gateway.gql<{ createDepartment: { parentCode: string; divisionCode: string } }>(
      'mutation { createDepartment(input: { code: "TH-TEST", name: "天河区测试局", parentCode: "DG-AMR", divisionCode: "440106" }) { parentCode divisionCode } }',
      {},
      adminToken,
    );
    expect(result.data?.createDepartment).toEqual({ parentCode: 'DG-AMR', divisionCode: '440106' });
  });
});

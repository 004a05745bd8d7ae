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

  describe('passwords and accounts', () => {
    const PASSWORD = 'correct horse battery staple';
    const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token mustChangePassword user { mustChangePassword } } }';
    const CHANGE = 'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { token mustChangePassword user { email passwordChangedAt } } }';
    const USERS = '{ users { id email active mustChangePassword } }';
    type Login = { login: { token: string; mustChangePassword: boolean; user: { mustChangePassword: boolean } } };
    type Change = { changePassword: { token: string; mustChangePassword: boolean; user: { email: string; passwordChangedAt: string } } };

    const login = (email: string, password: string) => gateway.gql<Login>(LOGIN, { input: { email, password } });
    const idOf = async (email: string): Promise<string> =>
      (await gateway.gql<{ users: { id: string; email: string }[] }>(USERS, {}, adminToken)).data!.users.find((user) => user.email === email)!.id;
    const auditActions = async (action: string, target: string): Promise<{ outcome: string; principal: string }[]> => {
      const events = await gateway.gql<{ auditEvents: { nodes: { outcome: string; principal: string; target: string }[] } }>(
        'query($filter: AuditFilter) { auditEvents(filter: $filter) { nodes { outcome principal target } } }',
        { filter: { action } },
        adminToken,
      );
      return events.data!.auditEvents.nodes.filter((event) => event.target === target);
    };

    it('a person changes their own password: the current one is required, the rules are those of creation, and every token issued before stops working', async () => {
      const laptop = await gateway.person('DG-TAX', 'changer@tax.test', [Role.STEWARD]);
      const phone = (await login('changer@tax.test', PASSWORD)).data!.login.token;

      const wrong = await gateway.gql(CHANGE, { input: { currentPassword: 'not my password at all', newPassword: 'a brand new passphrase' } }, laptop);
      expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(wrong.errors?.[0]?.extensions?.problems).toEqual([{ field: 'input.currentPassword', message: 'is not your current password' }]);
      const short = await gateway.gql(CHANGE, { input: { currentPassword: PASSWORD, newPassword: 'short' } }, laptop);
      expect(short.errors?.[0]?.extensions?.problems).toEqual([{ field: 'input.newPassword', message: 'must be at least 12 characters' }]);
      const same = await gateway.gql(CHANGE, { input: { currentPassword: PASSWORD, newPassword: PASSWORD } }, laptop);
      expect(same.errors?.[0]?.message).toMatch(/input\.newPassword: must differ/);
      // Refused attempts changed nothing.
      expect((await gateway.gql(ME, {}, phone)).errors).toBeUndefined();

      const changed = await gateway.gql<Change>(CHANGE, { input: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } }, laptop);
      expect(changed.errors).toBeUndefined();
      expect(changed.data!.changePassword).toMatchObject({ mustChangePassword: false, user: { email: 'changer@tax.test' } });
      expect(changed.data!.changePassword.user.passwordChangedAt).toBeTruthy();
      for (const stale of [laptop, phone]) {
        const refused = await gateway.gql(ME, {}, stale);
        expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(refused.errors?.[0]?.message).toMatch(/change of password/);
      }
      expect((await gateway.gql(ME, {}, changed.data!.changePassword.token)).errors).toBeUndefined();
      expect((await login('changer@tax.test', PASSWORD)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await login('changer@tax.test', 'a brand new passphrase')).errors).toBeUndefined();

      expect(await auditActions('user.password.change', 'user:changer@tax.test')).toEqual([{ outcome: 'ALLOWED', principal: 'user:changer@tax.test', target: 'user:changer@tax.test' }]);
      const refusals = await gateway.gql<{ auditEvents: { nodes: { reason: string }[] } }>(
        '{ auditEvents(filter: { action: "mutation.changePassword", outcome: DENIED, principal: "user:changer@tax.test" }) { nodes { reason } } }',
        {},
        adminToken,
      );
      expect(refusals.data!.auditEvents.nodes.map((event) => event.reason).join(' ')).toContain('is not your current password');
      expect(JSON.stringify(refusals.data)).not.toContain('a brand new passphrase');
    });

    it('a system client has no password to change', async () => {
      const key = await gateway.client('DG-TAX', 'tax-password-bot');
      const result = await gateway.gql(CHANGE, { input: { currentPassword: 'whatever it is', newPassword: 'a brand new passphrase' } }, key);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('an administrator disables a person (no login, existing tokens refused) and enables them again (old tokens stay dead)', async () => {
      const token = await gateway.person('DG-TAX', 'leaver@tax.test', [Role.STEWARD]);
      const id = await idOf('leaver@tax.test');
      const disabled = await gateway.gql<{ disableUser: { active: boolean } }>('mutation($id: ID!) { disableUser(id: $id, reason: "调离本单位") { active } }', { id }, adminToken);
      expect(disabled.data?.disableUser.active).toBe(false);
      expect((await gateway.gql(ME, {}, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const refused = await login('leaver@tax.test', PASSWORD);
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(refused.errors?.[0]?.message).toBe('E-mail or password is wrong');

      const enabled = await gateway.gql<{ enableUser: { active: boolean } }>('mutation($id: ID!) { enableUser(id: $id) { active } }', { id }, adminToken);
      expect(enabled.data?.enableUser.active).toBe(true);
      expect((await gateway.gql(ME, {}, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await login('leaver@tax.test', PASSWORD)).errors).toBeUndefined();

      const [disableEvent] = await auditActions('user.disable', 'user:leaver@tax.test');
      expect(disableEvent).toMatchObject({ outcome: 'ALLOWED', principal: 'user:admin@test.gov.cn' });
      expect(await auditActions('user.enable', 'user:leaver@tax.test')).toHaveLength(1);
    });

    it('only an administrator disables, enables or resets people; nobody disables themselves or the last administrator', async () => {
      const steward = await gateway.person('DG-TAX', 'nosy@tax.test', [Role.STEWARD]);
      const adminId = await idOf('admin@test.gov.cn');
      for (const mutation of ['disableUser(id: $id) { id }', 'enableUser(id: $id) { id }', 'resetUserPassword(id: $id) { temporaryPassword }']) {
        const attempt = await gateway.gql(`mutation($id: ID!) { ${mutation} }`, { id: adminId }, steward);
        expect(attempt.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(attempt.data ?? null).toBeNull();
      }
      expect((await gateway.gql(USERS, {}, steward)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

      const self = await gateway.gql('mutation($id: ID!) { disableUser(id: $id) { id } }', { id: adminId }, adminToken);
      expect(self.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      // An ADMIN system client may not leave the platform without an active administrator either.
      const robot = await gateway.client('GZ-DATA', 'admin-robot', [Role.ADMIN]);
      const last = await gateway.gql('mutation($id: ID!) { disableUser(id: $id) { id } }', { id: adminId }, robot);
      expect(last.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(last.errors?.[0]?.message).toMatch(/last active administrator/);
      const unknown = await gateway.gql('mutation { disableUser(id: "00000000-0000-0000-0000-000000000000") { id } }', {}, adminToken);
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('a reset password is shown once, ends the tokens, and the next login may do nothing but change it', async () => {
      const before = await gateway.person('DG-TAX', 'forgetful@tax.test', [Role.STEWARD]);
      const id = await idOf('forgetful@tax.test');
      const reset = await gateway.gql<{ resetUserPassword: { temporaryPassword: string; user: { mustChangePassword: boolean } } }>(
        'mutation($id: ID!) { resetUserPassword(id: $id) { temporaryPassword user { mustChangePassword } } }',
        { id },
        adminToken,
      );
      expect(reset.errors).toBeUndefined();
      const temporary = reset.data!.resetUserPassword.temporaryPassword;
      expect(temporary.length).toBeGreaterThanOrEqual(12);
      expect(reset.data!.resetUserPassword.user.mustChangePassword).toBe(true);
      expect((await gateway.gql(ME, {}, before)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await login('forgetful@tax.test', PASSWORD)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const listed = await gateway.http('POST', '/graphql', {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ query: USERS }),
      });
      expect(listed.body).not.toContain(temporary);
      expect(listed.body).toContain('"email":"forgetful@tax.test","active":true,"mustChangePassword":true');

      const restricted = (await login('forgetful@tax.test', temporary)).data!.login;
      expect(restricted).toMatchObject({ mustChangePassword: true, user: { mustChangePassword: true } });
      expect((await gateway.gql(ME, {}, restricted.token)).errors).toBeUndefined();
      const blocked = await gateway.gql('{ datasets { totalCount } }', {}, restricted.token);
      expect(blocked.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(blocked.errors?.[0]?.message).toMatch(/change it \(changePassword\)/);

      const changed = await gateway.gql<Change>(CHANGE, { input: { currentPassword: temporary, newPassword: 'my own passphrase again' } }, restricted.token);
      expect(changed.data?.changePassword.mustChangePassword).toBe(false);
      expect((await gateway.gql('{ datasets { totalCount } }', {}, changed.data!.changePassword.token)).errors).toBeUndefined();
      expect((await gateway.gql(ME, {}, restricted.token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await login('forgetful@tax.test', temporary)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      const [event] = await auditActions('user.password.reset', 'user:forgetful@tax.test');
      expect(event).toMatchObject({ outcome: 'ALLOWED', principal: 'user:admin@test.gov.cn' });
      const db = new pg.Client({ connectionString: gateway.databaseUrl });
      await db.connect();
      const { rows } = await db.query('select * from audit_event where target = $1', ['user:forgetful@tax.test']);
      await db.end();
      expect(JSON.stringify(rows)).not.toContain(temporary);
    });
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

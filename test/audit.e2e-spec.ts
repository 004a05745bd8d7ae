import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditOutcome, AuditService, systemContext } from '@causeway/audit';
import { Role } from '@causeway/core';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { TestGateway } from './support/gateway.js';

const run = promisify(execFile);

interface EventRow {
  seq: string;
  action: string;
  outcome: string;
  principal: string;
  department: string | null;
  provider_department: string | null;
  target: string | null;
  reason: string | null;
  client_ip: string | null;
  dataset: string | null;
}

describe('audit: every exchange on a tamper-evident record', () => {
  let gateway: TestGateway;
  let db: pg.Client;
  let admin: string;
  let cityAuditor: string;
  let amrAuditor: string;
  let taxSystem: string;

  /** The events of one request, by its X-Request-Id. */
  const eventsOf = async (requestId: string): Promise<EventRow[]> =>
    (await db.query<EventRow>('select * from audit_event where request_id = $1 order by seq', [requestId])).rows;

  let counter = 0;
  const rid = (label: string) => `${label}-${Date.now().toString(36)}-${(counter += 1)}`;

  const cli = (...args: string[]) =>
    run(process.execPath, ['dist/apps/gateway/src/cli.js', ...args], {
      env: { ...process.env, DATABASE_URL: gateway.databaseUrl, CAUSEWAY_DATA_DIR: gateway.dataDir, LOG_LEVEL: 'error' },
    })
      .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
      .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }));

  beforeAll(async () => {
    gateway = await TestGateway.start();
    db = new pg.Client({ connectionString: gateway.databaseUrl });
    await db.connect();
    admin = await gateway.person('GZ-DATA', 'admin@audit.test', [Role.ADMIN]);
    cityAuditor = await gateway.person('GZ-DATA', 'auditor@audit.test', [Role.AUDITOR]);
    amrAuditor = await gateway.person('DG-AMR', 'auditor@amr.audit.test', [Role.AUDITOR]);
    taxSystem = await gateway.client('DG-TAX', 'tax-system');
  });
  afterAll(async () => {
    await db.end();
    await gateway.close();
  });

  it('answers record only after the event is committed, chained after the previous one', async () => {
    const audit = gateway.get(AuditService);
    const ctx = systemContext('test');
    const [first, second] = await Promise.all([
      audit.record(ctx, { action: 'test.first', outcome: AuditOutcome.ALLOWED }),
      audit.record(ctx, { action: 'test.second', outcome: AuditOutcome.DENIED, reason: 'because' }),
    ]);
    expect(second!.seq).toBe(first!.seq + 1);
    const { rows } = await db.query('select seq, action, outcome, reason, prev_hash, hash from audit_event where request_id = $1 order by seq', [ctx.requestId]);
    expect(rows.map((row) => row.action)).toEqual(['test.first', 'test.second']);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    expect(rows[1].hash).toBe(second!.hash);
  });

  it('puts a login on record, and a failed login as DENIED with the account tried', async () => {
    const ok = rid('login');
    await gateway.gql('mutation { login(input: { email: "auditor@audit.test", password: "correct horse battery staple" }) { token } }', {}, undefined, { 'x-request-id': ok });
    expect(await eventsOf(ok)).toMatchObject([{ action: 'auth.login', outcome: 'ALLOWED', target: 'user:auditor@audit.test', provider_department: 'GZ-DATA' }]);

    const wrong = rid('login');
    const refused = await gateway.gql('mutation { login(input: { email: "auditor@audit.test", password: "wrong wrong wrong" }) { token } }', {}, undefined, { 'x-request-id': wrong });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await eventsOf(wrong)).toMatchObject([{ action: 'auth.login', outcome: 'DENIED', target: 'user:auditor@audit.test', principal: 'anonymous' }]);
  });

  it('puts a refused credential on record once, naming the key prefix but never the secret', async () => {
    const id = rid('badkey');
    const key = 'cw_AAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
    const result = await gateway.gql('{ me { label } departments { code } }', {}, key, { 'x-request-id': id });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const events = await eventsOf(id);
    expect(events).toMatchObject([{ action: 'auth.credential', outcome: 'DENIED', target: 'key:cw_AAAAAAAAAA' }]);
    expect(JSON.stringify(events)).not.toContain('BBBBBBBB');
  });

  it('puts a refusal by the access policy on record as DENIED, with who asked', async () => {
    const id = rid('forbidden');
    const result = await gateway.gql('mutation { createDepartment(input: { code: "DG-NOPE", name: "x" }) { code } }', {}, taxSystem, { 'x-request-id': id });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await eventsOf(id)).toMatchObject([
      { action: 'mutation.createDepartment', outcome: 'DENIED', principal: 'client:DG-TAX/tax-system', department: 'DG-TAX', reason: expect.stringContaining('FORBIDDEN') },
    ]);
    const anonymous = rid('anon');
    await gateway.gql('{ me { label } }', {}, undefined, { 'x-request-id': anonymous });
    expect(await eventsOf(anonymous)).toMatchObject([{ action: 'query.me', outcome: 'DENIED', principal: 'anonymous' }]);
  });

  it('puts an operation refused before it runs (invalid, over the operation limits) on record', async () => {
    const invalid = rid('invalid');
    const result = await gateway.gql('{ me { nope } }', {}, taxSystem, { 'x-request-id': invalid });
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await eventsOf(invalid)).toMatchObject([{ action: 'graphql.rejected', outcome: 'DENIED', principal: 'client:DG-TAX/tax-system', reason: expect.stringContaining('GRAPHQL_VALIDATION_FAILED') }]);

    const aliases = rid('aliases');
    const many = `{ ${Array.from({ length: 40 }, (_, index) => `a${index}: me { label }`).join(' ')} }`;
    const refused = await gateway.gql<{ a0?: unknown }>(many, {}, taxSystem, { 'x-request-id': aliases });
    expect(refused.errors?.length).toBeGreaterThan(0);
    expect(refused.data?.a0).toBeUndefined();
    expect(await eventsOf(aliases)).toMatchObject([{ action: 'graphql.rejected', outcome: 'DENIED' }]);
  });

  it('puts each administrative act on record exactly once: departments, people, system clients and their revocation', async () => {
    const department = rid('dept');
    await gateway.gql('mutation { createDepartment(input: { code: "DG-EDU", name: "教育局", parentCode: "GZ-DATA" }) { code } }', {}, admin, { 'x-request-id': department });
    expect(await eventsOf(department)).toMatchObject([{ action: 'department.create', outcome: 'ALLOWED', provider_department: 'DG-EDU', target: 'department:DG-EDU' }]);

    const user = rid('user');
    await gateway.gql(
      'mutation { createUser(input: { department: "DG-EDU", email: "steward@edu.test", displayName: "s", roles: [STEWARD], password: "a long enough passphrase" }) { id } }',
      {},
      admin,
      { 'x-request-id': user },
    );
    const userEvents = await eventsOf(user);
    expect(userEvents).toMatchObject([{ action: 'user.create', outcome: 'ALLOWED', target: 'user:steward@edu.test', provider_department: 'DG-EDU' }]);
    expect(JSON.stringify(userEvents)).not.toContain('passphrase');

    const client = rid('client');
    const created = await gateway.gql<{ createSystemClient: { key: string; client: { id: string } } }>(
      'mutation { createSystemClient(input: { department: "DG-EDU", name: "edu-system" }) { key client { id } } }',
      {},
      admin,
      { 'x-request-id': client },
    );
    const clientEvents = await eventsOf(client);
    expect(clientEvents).toMatchObject([{ action: 'client.create', outcome: 'ALLOWED', target: 'client:DG-EDU/edu-system', principal: 'user:admin@audit.test' }]);
    expect(JSON.stringify(clientEvents)).not.toContain(created.data!.createSystemClient.key.split('_')[2]);

    const revoke = rid('revoke');
    await gateway.gql(`mutation { revokeSystemClient(id: "${created.data!.createSystemClient.client.id}", reason: "leaked") { revokedAt } }`, {}, admin, { 'x-request-id': revoke });
    expect(await eventsOf(revoke)).toMatchObject([{ action: 'client.revoke', outcome: 'ALLOWED', reason: 'leaked' }]);

    const duplicate = rid('dup');
    const refused = await gateway.gql('mutation { createDepartment(input: { code: "DG-EDU", name: "again" }) { code } }', {}, admin, { 'x-request-id': duplicate });
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await eventsOf(duplicate)).toMatchObject([{ action: 'mutation.createDepartment', outcome: 'DENIED', reason: expect.stringContaining('CONFLICT') }]);
  });

  it('puts catalogue acts on record with the dataset, and a refused one as DENIED', async () => {
    const steward = await gateway.person('DG-AMR', 'steward@amr.audit.test', [Role.STEWARD]);
    const id = rid('register');
    const registered = await gateway.gql(
      `mutation { registerDataset(input: { code: "AMR-AUDIT-TEST", title: "测试", summary: "s", category: "法人", updateCycle: DAILY, sharingType: UNCONDITIONAL, openType: CLOSED,
        fields: [{ name: "uscc", title: "统一社会信用代码", type: STRING, isKey: true, nullable: false }] }) { code } }`,
      {},
      steward,
      { 'x-request-id': id },
    );
    expect(registered.errors).toBeUndefined();
    expect(await eventsOf(id)).toMatchObject([{ action: 'dataset.register', outcome: 'ALLOWED', dataset: 'AMR-AUDIT-TEST', provider_department: 'DG-AMR' }]);

    const bad = rid('register-bad');
    const refused = await gateway.gql('mutation { retireDataset(code: "AMR-NO-SUCH") { code } }', {}, steward, { 'x-request-id': bad });
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await eventsOf(bad)).toMatchObject([{ action: 'mutation.retireDataset', outcome: 'DENIED' }]);
  });

  it('lets a city auditor find who read a given field of a given dataset in a period', async () => {
    await gateway.department('DG-PSB');
    const audit = gateway.get(AuditService);
    const reader = { ...systemContext('x'), principal: { kind: 'CLIENT' as const, id: 'c9', label: 'client:DG-PSB/psb-system', departmentId: null, departmentCode: 'DG-PSB', divisionCode: null, roles: [Role.CONSUMER] } };
    await audit.record(reader, { action: 'records.query', outcome: AuditOutcome.ALLOWED, dataset: 'PSB-HOUSEHOLD', providerDepartment: 'DG-PSB', fieldsRequested: ['name', 'idCard'], fieldsClear: ['name'], fieldsMasked: ['idCard'], rowsReturned: 3 });
    await audit.record(reader, { action: 'records.query', outcome: AuditOutcome.ALLOWED, dataset: 'PSB-HOUSEHOLD', providerDepartment: 'DG-PSB', fieldsRequested: ['name'], fieldsClear: ['name'], rowsReturned: 3 });
    const result = await gateway.gql<{ auditEvents: { totalCount: number; nodes: { principal: string; fieldsMasked: string[]; department: { code: string } | null; providerDepartment: { code: string } | null }[] } }>(
      `query($from: DateTime) { auditEvents(filter: { dataset: "PSB-HOUSEHOLD", field: "idCard", from: $from }) { totalCount nodes { principal fieldsMasked department { code } providerDepartment { code } } } }`,
      { from: new Date(Date.now() - 7 * 86_400_000).toISOString() },
      cityAuditor,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.auditEvents).toMatchObject({ totalCount: 1, nodes: [{ principal: 'client:DG-PSB/psb-system', fieldsMasked: ['idCard'], department: { code: 'DG-PSB' } }] });
  });

  it('lets an auditor find the events of a purpose by a word of it (case number, any case), wildcards taken literally', async () => {
    // Through the gateway: the X-Purpose a consumer system sends (percent-encoded UTF-8) is what the event keeps.
    const sent = '（2026）穗天市监登字第0042号 核验 Case-XZ-17';
    const refused = await gateway.gql('mutation { createDepartment(input: { code: "DG-NOPE2", name: "x" }) { code } }', {}, taxSystem, { 'x-purpose': encodeURIComponent(sent) });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const audit = gateway.get(AuditService);
    await audit.record({ ...systemContext('x'), purpose: '100% 核验_批次' }, { action: 'records.query', outcome: AuditOutcome.ALLOWED, dataset: 'PSB-HOUSEHOLD' });
    await audit.record({ ...systemContext('x'), purpose: '1000 核验 批次' }, { action: 'records.query', outcome: AuditOutcome.ALLOWED, dataset: 'PSB-HOUSEHOLD' });

    const search = (purpose: string, extra = '') =>
      gateway.gql<{ auditEvents: { totalCount: number; nodes: { purpose: string; principal: string; action: string }[] } }>(
        `query($filter: AuditFilter) { auditEvents(filter: $filter) { totalCount nodes { purpose principal action } } }`,
        { filter: { purpose, ...(extra ? { action: extra } : {}) } },
        cityAuditor,
      );
    const byCase = await search('0042号');
    expect(byCase.errors).toBeUndefined();
    expect(byCase.data!.auditEvents).toMatchObject({ totalCount: 1, nodes: [{ purpose: sent, principal: 'client:DG-TAX/tax-system', action: 'mutation.createDepartment' }] });
    expect((await search('case-xz-17')).data!.auditEvents.totalCount).toBe(1);
    // % and _ are the auditor's text, not LIKE wildcards: '100%' matches only the event that says so.
    expect((await search('100%')).data!.auditEvents.nodes.map((node) => node.purpose)).toEqual(['100% 核验_批次']);
    expect((await search('核验_批次')).data!.auditEvents.nodes.map((node) => node.purpose)).toEqual(['100% 核验_批次']);
    // Combined with the other filters, every condition holds.
    expect((await search('核验', 'records.query')).data!.auditEvents.totalCount).toBe(2);
    expect((await search('核验', 'records.*')).data!.auditEvents.nodes.map((node) => node.action)).toEqual(['records.query', 'records.query']);
    expect((await search('no such purpose')).data!.auditEvents.totalCount).toBe(0);
    const tooLong = await search('x'.repeat(201));
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('shows a department auditor only the events touching their department, and pages with a cursor', async () => {
    const first = await gateway.gql<{ auditEvents: { totalCount: number; nodes: { department: { code: string } | null; providerDepartmentCode: string | null }[]; pageInfo: { endCursor: string; hasNextPage: boolean } } }>(
      '{ auditEvents(first: 2) { totalCount nodes { department { code } providerDepartmentCode } pageInfo { endCursor hasNextPage } } }',
      {},
      amrAuditor,
    );
    expect(first.errors).toBeUndefined();
    const page = first.data!.auditEvents;
    expect(page.totalCount).toBeGreaterThan(2);
    for (const node of page.nodes) expect([node.department?.code, node.providerDepartmentCode]).toContain('DG-AMR');
    const next = await gateway.gql<{ auditEvents: { nodes: unknown[] } }>(`{ auditEvents(first: 2, after: "${page.pageInfo.endCursor}") { nodes { seq } } }`, {}, amrAuditor);
    expect(next.data!.auditEvents.nodes.length).toBeGreaterThan(0);

    const all = await gateway.gql<{ auditEvents: { totalCount: number } }>('{ auditEvents { totalCount } }', {}, cityAuditor);
    expect(all.data!.auditEvents.totalCount).toBeGreaterThan(page.totalCount);
    const psbOnly = await gateway.gql<{ auditEvents: { totalCount: number } }>('{ auditEvents(filter: { department: "DG-PSB" }) { totalCount } }', {}, amrAuditor);
    expect(psbOnly.data!.auditEvents.totalCount).toBe(0);

    const consumer = await gateway.gql('{ auditEvents { totalCount } }', {}, taxSystem);
    expect(consumer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('summarises events by department and action', async () => {
    const result = await gateway.gql<{ auditSummary: { department: string | null; action: string | null; events: number; allowed: number; denied: number }[] }>(
      '{ auditSummary(groupBy: [DEPARTMENT, ACTION]) { department action events allowed denied errors rowsReturned } }',
      {},
      cityAuditor,
    );
    expect(result.errors).toBeUndefined();
    const logins = result.data!.auditSummary.find((row) => row.action === 'auth.login' && row.department === null);
    expect(logins).toMatchObject({ denied: 1 });
    expect(result.data!.auditSummary.find((row) => row.action === 'records.query' && row.department === 'DG-PSB')).toMatchObject({ events: 2, allowed: 2 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows, for the writer role by its grants and for everyone by triggers', async () => {
    await expect(db.query('update audit_event set reason = $1 where seq = 1', ['x'])).rejects.toThrow(/append-only/);
    await expect(db.query('delete from audit_event where seq = 1')).rejects.toThrow(/append-only/);
    await expect(db.query('truncate audit_event')).rejects.toThrow(/append-only/);
    const { rows } = await db.query<{ name: string }>(`select tablename as name from pg_tables where tablename like 'audit_event_%'`);
    await expect(db.query(`truncate ${rows[0]!.name}`)).rejects.toThrow(/append-only/);
    await db.query('begin');
    try {
      await db.query('set local role causeway_audit_writer');
      await expect(db.query('update audit_event set reason = $1 where seq = 1', ['x'])).rejects.toThrow(/permission denied/);
    } finally {
      await db.query('rollback');
    }
    await expect(db.query('update audit_chain_head set seq = 0')).rejects.toThrow(/only moves forward/);
  });

  it('fails closed: without the INSERT privilege an act is refused with AUDIT_UNAVAILABLE and nothing is done', async () => {
    await db.query('revoke insert on audit_event from causeway_audit_writer');
    try {
      const result = await gateway.gql<{ createDepartment: { code: string } | null }>('mutation { createDepartment(input: { code: "DG-GHOST", name: "幽灵" }) { code } }', {}, admin);
      expect(result.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
      expect(result.data?.createDepartment ?? null).toBeNull();
      const { rowCount } = await db.query(`select 1 from department where code = 'DG-GHOST'`);
      expect(rowCount).toBe(0);
      const ready = await gateway.http('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toContain('audit');
    } finally {
      await db.query('grant insert on audit_event to causeway_audit_writer');
    }
    const again = await gateway.gql<{ createDepartment: { code: string } }>('mutation { createDepartment(input: { code: "DG-GHOST", name: "幽灵" }) { code } }', {}, admin);
    expect(again.data?.createDepartment.code).toBe('DG-GHOST');
    expect((await gateway.http('GET', '/health/ready')).status).toBe(200);
  });

  it('signs checkpoints with a key kept in the data folder, and exports one', async () => {
    const signed = await gateway.get(AuditService).checkpoint(true);
    expect(signed).not.toBeNull();
    const { rows } = await db.query('select seq, hash, key_id from audit_checkpoint where seq = $1', [signed!.seq]);
    expect(rows[0]).toMatchObject({ hash: signed!.hash, key_id: signed!.keyId });
    expect(await readFile(path.join(gateway.dataDir, 'audit-signing-key.pem'), 'utf8')).toContain('PRIVATE KEY');
    expect(await readFile(path.join(gateway.dataDir, 'audit-checkpoints.jsonl'), 'utf8')).toContain(signed!.hash);

    const exported = await cli('audit:checkpoint');
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ type: 'causeway-audit-checkpoint', keyId: signed!.keyId });
  });

  it('verifies the chain (console and CLI), exports evidence that verifies offline, then names the exact row edited by hand', async () => {
    const status = await gateway.gql<{ auditChainStatus: { ok: boolean; headSeq: string; lastVerifiedSeq: string; brokenAt: string | null } }>(
      '{ auditChainStatus(fresh: true) { ok headSeq lastVerifiedSeq brokenAt checkpointsChecked } }',
      {},
      cityAuditor,
    );
    expect(status.data!.auditChainStatus).toMatchObject({ ok: true, brokenAt: null });
    expect(status.data!.auditChainStatus.lastVerifiedSeq).toBe(status.data!.auditChainStatus.headSeq);

    const verify = await cli('audit:verify');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('audit chain intact');
    const unreadable = await cli('audit:verify', '--checkpoint', path.join(gateway.dataDir, 'no-such-checkpoint.json'));
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('could not run');

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const jsonl = path.join(gateway.dataDir, 'evidence.jsonl');
    const csv = path.join(gateway.dataDir, 'evidence.csv');
    expect((await cli('audit:export', '--from', from, '--to', to, '--format', 'jsonl', '--out', jsonl)).code).toBe(0);
    expect((await cli('audit:export', '--from', from, '--to', to, '--format', 'csv', '--out', csv)).code).toBe(0);
    expect((await cli('audit:verify', '--input', jsonl)).stdout).toContain('audit chain intact');
    expect((await cli('audit:verify', '--input', csv)).stdout).toContain('audit chain intact');

    // An insider with the database superuser edits one row by hand, bypassing the triggers.
    const { rows } = await db.query<{ seq: string }>(`select seq from audit_event where action = 'client.create' order by seq limit 1`);
    const target = rows[0]!.seq;
    await db.query('begin');
    await db.query('set local session_replication_role = replica');
    await db.query(`update audit_event set target = 'client:DG-EDU/someone-else' where seq = $1`, [target]);
    await db.query('commit');

    const broken = await cli('audit:verify');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`BROKEN at seq ${target} (MODIFIED)`);
    const console = await gateway.gql<{ auditChainStatus: { ok: boolean; brokenAt: string; problem: string } }>('{ auditChainStatus(fresh: true) { ok brokenAt problem } }', {}, cityAuditor);
    expect(console.data!.auditChainStatus).toMatchObject({ ok: false, brokenAt: target, problem: 'MODIFIED' });
    // The evidence exported before the edit still verifies on its own.
    expect((await cli('audit:verify', '--input', jsonl)).code).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditQueryService } from '@causeway/audit';
import { Role } from '@causeway/core';
import pg from 'pg';
import { grant, PEOPLE, peopleRegister } from './support/exchange-fixtures.js';
import { TestGateway } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

const AGGREGATE = 'query($groupBy: [String!]) { aggregate(dataset: "PSB-PEOPLE", groupBy: $groupBy) { groups { count } } }';
const EVENTS = `query($first: Int!) { auditEvents(first: $first) { totalCount nodes { seq action outcome reason detail rowScope rowsReturned readProblem } } }`;

interface EventNode {
  seq: string;
  action: string;
  outcome: string;
  reason: string | null;
  detail: unknown;
  rowScope: unknown;
  rowsReturned: number | null;
  readProblem: string | null;
}
type Events = { auditEvents: { totalCount: number; nodes: EventNode[] } };

describe('audit events: bounded when written, robust when read', () => {
  let gateway: TestGateway;
  let superuser: pg.Client;
  let consumer: string;
  let cityAuditor: string;
  let taxAuditor: string;

  beforeAll(async () => {
    gateway = await TestGateway.start();
    superuser = new pg.Client({ connectionString: gateway.databaseUrl });
    await superuser.connect();
    consumer = await gateway.client('DG-TAX', 'tax-system');
    cityAuditor = await gateway.person('GZ-DATA', 'auditor@bounds.test', [Role.AUDITOR]);
    taxAuditor = await gateway.person('DG-TAX', 'auditor@tax.bounds.test', [Role.AUDITOR]);
    await gateway.dataset('DG-PSB', peopleRegister());
    await loadVersion(gateway, 'DG-PSB', 'PSB-PEOPLE', PEOPLE);
    await grant(gateway, 'DG-PSB', 'DG-TAX', 'PSB-PEOPLE', { fields: ['district', 'age'] });
  });
  afterAll(async () => {
    await superuser.end();
    await gateway.close();
  });

  it('an aggregate with huge groupBy strings is refused before it runs (BAD_USER_INPUT naming groupBy) and the auditors can still read the trail', async () => {
    const groupBy = Array.from({ length: 10 }, (_, index) => `g${index}${'g'.repeat(8_000)}`);
    const refused = await gateway.gql(AGGREGATE, { groupBy }, consumer, { 'x-request-id': 'huge-group-by' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/^groupBy\[0\]: must start with a lower-case letter/);
    expect(refused.errors?.[0]?.message).not.toContain('g'.repeat(65));

    const { rows } = await superuser.query<{ outcome: string; detail: string | null; reason: string }>('select outcome, detail, reason from audit_event where request_id = $1', ['huge-group-by']);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.outcome).toBe('DENIED');
    expect(rows[0]!.reason).toMatch(/^BAD_USER_INPUT: groupBy\[0\]/);
    if (rows[0]!.detail !== null) expect(() => JSON.parse(rows[0]!.detail!) as unknown).not.toThrow();

    for (const auditor of [cityAuditor, taxAuditor]) {
      const events = await gateway.gql<Events>(EVENTS, { first: 1000 }, auditor);
      expect(events.errors).toBeUndefined();
      expect(events.data!.auditEvents.nodes.length).toBeGreaterThan(0);
    }
  });

  it('a stored event with cut JSON (an older version’s truncation, or a hand-edited row) does not hide the other events from auditors', async () => {
    await gateway.gql(AGGREGATE, { groupBy: ['district'] }, consumer, { 'x-request-id': 'before-the-bad-row' });
    const [{ seq: headSeq }] = (await superuser.query<{ seq: string }>('select max(seq)::text as seq from audit_event')).rows as [{ seq: string }];
    const badSeq = Number(headSeq) + 1_000;
    // As the superuser, past the writer's role: a row whose JSON columns were cut mid-text and whose row count overflows Int.
    await superuser.query(
      `insert into audit_event (seq, at, action, outcome, principal, principal_id, principal_kind, department, provider_department, request_id,
         fields_requested, fields_clear, fields_masked, fields_refused, rows_returned, row_scope, grant_ids, grant_versions, detail, prev_hash, hash)
       values ($1, now(), 'aggregate.query', 'DENIED', 'client:DG-TAX/tax-system', 'x', 'CLIENT', 'DG-TAX', 'DG-PSB', 'the-bad-row',
         '{}', '{}', '{}', '{}', $2, '{"district":{"eq":"44', '{}', '{}', $3, $4, $4)`,
      [badSeq, 2 ** 40, `{"groupBy":["${'g'.repeat(19_990)}`, 'f'.repeat(64)],
    );

    for (const auditor of [cityAuditor, taxAuditor]) {
      const events = await gateway.gql<Events>(EVENTS, { first: 1000 }, auditor);
      expect(events.errors).toBeUndefined();
      const nodes = events.data!.auditEvents.nodes;
      const bad = nodes.find((node) => node.seq === String(badSeq));
      expect(bad).toMatchObject({ action: 'aggregate.query', detail: null, rowScope: null, rowsReturned: null });
      expect(bad!.readProblem).toMatch(/detail is not valid JSON/);
      expect(bad!.readProblem).toMatch(/rowScope is not valid JSON/);
      expect(bad!.readProblem).toMatch(/rowsReturned/);
      // The rows around it come back whole.
      const others = nodes.filter((node) => node.seq !== String(badSeq));
      expect(others.length).toBeGreaterThan(0);
      expect(others.every((node) => node.readProblem === null)).toBe(true);
      expect(others.some((node) => node.action === 'aggregate.query' && node.outcome === 'ALLOWED')).toBe(true);
    }

    // Verification names the row instead of failing, and an export carries it exactly as stored.
    const queries = gateway.get(AuditQueryService);
    const verdict = await queries.verify();
    expect(verdict.ok).toBe(false);
    expect(verdict.problem?.seq).toBeLessThanOrEqual(badSeq);
    const exported: { seq: number; detail: string | null }[] = [];
    await queries.exportRange(new Date(Date.now() - 3_600_000), new Date(Date.now() + 3_600_000), { begin: () => undefined, event: (record) => void exported.push(record) });
    expect(exported.find((record) => record.seq === badSeq)?.detail).toHaveLength(`{"groupBy":["${'g'.repeat(19_990)}`.length);
  });
});

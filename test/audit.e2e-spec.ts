import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditOutcome, AuditService, systemContext } from '@causeway/audit';
import pg from 'pg';
import { TestGateway } from './support/gateway.js';

describe('audit: the record of every exchange', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await TestGateway.start();
  });
  afterAll(() => gateway.close());

  it('answers record only after the event is committed, chained after the previous one', async () => {
    const audit = gateway.get(AuditService);
    const ctx = systemContext('test');
    const [first, second] = await Promise.all([
      audit.record(ctx, { action: 'test.first', outcome: AuditOutcome.ALLOWED }),
      audit.record(ctx, { action: 'test.second', outcome: AuditOutcome.DENIED, reason: 'because' }),
    ]);
    expect(second!.seq).toBe(first!.seq + 1);
    const db = new pg.Client({ connectionString: gateway.databaseUrl });
    await db.connect();
    const { rows } = await db.query('select seq, action, outcome, reason, prev_hash, hash from audit_event where request_id = $1 order by seq', [ctx.requestId]);
    await db.end();
    expect(rows.map((row) => row.action)).toEqual(['test.first', 'test.second']);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    expect(rows[1].hash).toBe(second!.hash);
  });
});

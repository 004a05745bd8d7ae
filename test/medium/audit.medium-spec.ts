import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';
import { AuditOutcome, AuditQueryService, AuditService, systemContext } from '@causeway/audit';
import { MediumDatabase } from './support/medium.js';

/** The audit writer and verifier against PostgreSQL: events land in one hash chain that verifies, and an edit is found. */
describe('AuditService and its chain on PostgreSQL', () => {
  let database: MediumDatabase;
  let app: TestingModule;

  beforeAll(async () => {
    database = await MediumDatabase.clone();
    app = await database.start([]);
  });
  afterAll(() => database.close());

  it('records concurrent events in one gapless chain that verifies against its head and a signed checkpoint', async () => {
    const audit = app.get(AuditService);
    const receipts = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        audit.record(systemContext('medium'), { action: 'medium.event', outcome: index % 5 === 0 ? AuditOutcome.DENIED : AuditOutcome.ALLOWED, target: `item:${index}`, reason: index % 5 === 0 ? 'refused' : null }),
      ),
    );
    const seqs = receipts.map((receipt) => receipt.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(25);
    expect(seqs.at(-1)! - seqs[0]!).toBe(24);

    const stored = await database.query<{ seq: string; target: string; outcome: string }>(`select seq, target, outcome from audit_event where action = 'medium.event' order by seq`);
    expect(stored.map((row) => Number(row.seq))).toEqual(seqs);
    expect(stored.filter((row) => row.outcome === 'DENIED')).toHaveLength(5);

    await audit.checkpoint(true);
    const verdict = await app.get(AuditQueryService).verify();
    expect(verdict).toMatchObject({ ok: true, problem: null, to: seqs.at(-1), head: { seq: seqs.at(-1) } });
    expect(verdict.checkpointsChecked).toBeGreaterThanOrEqual(1);
  });

  it('refuses edits through SQL, and names the row an insider changed by hand', async () => {
    const [row] = await database.query<{ seq: string }>(`select seq from audit_event where action = 'medium.event' order by seq limit 1 offset 3`);
    const seq = Number(row!.seq);
    await expect(database.query(`update audit_event set target = 'item:forged' where seq = $1`, [seq])).rejects.toThrow();

    // A superuser bypasses the triggers.
    await database.query('begin');
    await database.query('set local session_replication_role = replica');
    await database.query(`update audit_event set target = 'item:forged' where seq = $1`, [seq]);
    await database.query('commit');

    const verdict = await app.get(AuditQueryService).verify();
    expect(verdict.ok).toBe(false);
    expect(verdict.problem).toMatchObject({ seq, kind: 'MODIFIED' });
  });
});

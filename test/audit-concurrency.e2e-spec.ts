import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditOutcome, AuditQueryService, AuditService, systemContext } from '@causeway/audit';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import pg from 'pg';
import { TestGateway } from './support/gateway.js';

const ROUNDS = 15;
const CONCURRENCY = 20;

/** Starts another gateway process on the same database and waits until it is ready. */
function writerProcess(gateway: TestGateway, label: string): Promise<{ child: ChildProcessWithoutNullStreams; result: Promise<{ label: string; seqs: number[] }> }> {
  const child = spawn(process.execPath, ['test/support/audit-writer-process.mjs', label, String(ROUNDS), String(CONCURRENCY)], {
    env: { ...process.env, DATABASE_URL: gateway.databaseUrl, CAUSEWAY_DATA_DIR: gateway.dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
  });
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const result = new Promise<{ label: string; seqs: number[] }>((resolve, reject) => {
    child.on('exit', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as { label: string; seqs: number[] });
      else reject(new Error(`${label} exited with ${code}: ${errors.slice(-2000)}`));
    });
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.startsWith('ready\n')) resolve({ child, result });
    });
    child.on('exit', (code) => reject(new Error(`${label} exited with ${code} before it was ready: ${errors.slice(-2000)}`)));
  });
}

describe('audit: several gateway processes write one chain', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await TestGateway.start();
  });
  afterAll(() => gateway.close());

  it('produces one unbroken chain, without gaps or duplicates, when two processes and this one write at once', async () => {
    const [first, second] = await Promise.all([writerProcess(gateway, 'alpha'), writerProcess(gateway, 'beta')]);
    first.child.stdin.write('go\n');
    second.child.stdin.write('go\n');
    const audit = gateway.get(AuditService);
    const local: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const receipts = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, index) => audit.record(systemContext('gamma', `gamma-${round}-${index}`), { action: 'concurrency.gamma', outcome: AuditOutcome.ALLOWED })),
      );
      local.push(...receipts.map((receipt) => receipt.seq));
    }
    const [alpha, beta] = await Promise.all([first.result, second.result]);
    const all = [...alpha.seqs, ...beta.seqs, ...local];
    expect(all).toHaveLength(3 * ROUNDS * CONCURRENCY);
    expect(new Set(all).size).toBe(all.length);

    const db = new pg.Client({ connectionString: gateway.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ count: number; min: string; max: string; distinct: number; head: string }>(
        `select count(*)::int as count, min(seq) as min, max(seq) as max, count(distinct seq)::int as distinct, (select seq from audit_chain_head) as head from audit_event`,
      );
      expect(rows[0]!).toMatchObject({ min: '1', max: rows[0]!.head, distinct: rows[0]!.count });
      expect(Number(rows[0]!.max)).toBe(rows[0]!.count);
      // The writers interleaved rather than one waiting for the whole run of another.
      const { rows: runs } = await db.query<{ switches: number }>(
        `select count(*)::int as switches from (select action, lag(action) over (order by seq) as previous from audit_event where action like 'concurrency.%') t where action <> previous`,
      );
      expect(runs[0]!.switches).toBeGreaterThan(2);
    } finally {
      await db.end();
    }
    const verdict = await gateway.get(AuditQueryService).verify();
    expect(verdict.ok).toBe(true);
    expect(verdict.to).toBe(verdict.head.seq);
  });
});

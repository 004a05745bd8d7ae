import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the console's audit search (issue 13: a time range on a 1M-event trail, with any of
 * department, dataset, action, outcome, principal and purpose, in < 300 ms p95; bench/audit-search.mjs):
 *
 * - refusals and errors by time, a partial index: only events that are not ALLOWED enter it, so the
 *   exchanges (nearly all ALLOWED) do not pay for it on insert;
 * - action by time, exact and prefix (records.*);
 * - the provider's index carries the caller's department, so "department X on either side" counts
 *   from two index-only scans instead of visiting every event of the range;
 * - purpose words: a trigram index (pg_trgm, a trusted extension the database owner may create), as
 *   the filter matches any part of the declared purpose, Chinese included.
 *
 * Every insert of the audit writer pays for each index (see 1763730000001-audit-lean-indexes), hence
 * these four and no more: principal, dataset and department already had theirs.
 *
 * A running deployment must not stop its exchanges while a large trail is indexed: a plain CREATE
 * INDEX holds off inserts (and so every audited request) for the whole build. Each index is
 * therefore created on the partitioned table alone (ON ONLY, invalid until complete), built
 * CONCURRENTLY partition by partition, and attached; so this migration runs outside a transaction.
 * A build interrupted half-way leaves an invalid index behind, which the next run drops and rebuilds.
 */
export class AuditSearchIndexes1763790000000 implements MigrationInterface {
  name = 'AuditSearchIndexes1763790000000';
  transaction = false;

  async up(db: QueryRunner): Promise<void> {
    await db.query('create extension if not exists pg_trgm');
    await buildConcurrently(db, 'audit_event_outcome_at_idx', `(outcome, at) where outcome <> 'ALLOWED'`);
    await buildConcurrently(db, 'audit_event_action_at_idx', '(action, at)');
    await buildConcurrently(db, 'audit_event_provider_at_idx', '(provider_department, at) include (department)');
    await buildConcurrently(db, 'audit_event_purpose_trgm_idx', 'using gin (purpose gin_trgm_ops)');
    // The provider index above covers what this one did.
    await db.query('drop index if exists audit_event_provider_idx');
  }

  async down(db: QueryRunner): Promise<void> {
    await buildConcurrently(db, 'audit_event_provider_idx', '(provider_department, at)');
    for (const name of ['audit_event_purpose_trgm_idx', 'audit_event_provider_at_idx', 'audit_event_action_at_idx', 'audit_event_outcome_at_idx']) {
      await db.query(`drop index if exists ${name}`);
    }
  }
}

/** `definition` is what follows `on <table>` in CREATE INDEX. */
async function buildConcurrently(db: QueryRunner, name: string, definition: string): Promise<void> {
  await db.query(`create index if not exists ${name} on only audit_event ${definition}`);
  const partitions = (await db.query(
    `select child.relname as partition from pg_inherits join pg_class child on child.oid = pg_inherits.inhrelid
      where pg_inherits.inhparent = 'audit_event'::regclass order by child.relname`,
  )) as { partition: string }[];
  for (const { partition } of partitions) {
    const partIndex = `${partition}_${name.replace(/^audit_event_/, '')}`;
    const [existing] = (await db.query(
      `select index.indisvalid as valid, exists (select 1 from pg_inherits where inhrelid = index.indexrelid) as attached
         from pg_index index join pg_class class on class.oid = index.indexrelid where class.relname = $1`,
      [partIndex],
    )) as { valid: boolean; attached: boolean }[];
    if (existing?.attached) continue;
    if (existing && !existing.valid) await db.query(`drop index concurrently if exists ${partIndex}`);
    await db.query(`create index concurrently if not exists ${partIndex} on ${partition} ${definition}`);
    await db.query(`alter index ${name} attach partition ${partIndex}`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fewer indexes on audit_event: every index is paid for on each audit insert, on the path of every
 * exchange. The GIN index on fields_requested and the request_id index cost about a fifth of the
 * writer's throughput; field and request-id searches are run within a time range, a dataset or a
 * department, whose indexes narrow them first.
 */
export class AuditLeanIndexes1763730000001 implements MigrationInterface {
  name = 'AuditLeanIndexes1763730000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`drop index if exists audit_event_fields_idx`);
    await db.query(`drop index if exists audit_event_request_idx`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`create index if not exists audit_event_request_idx on audit_event (request_id)`);
    await db.query(`create index if not exists audit_event_fields_idx on audit_event using gin (fields_requested)`);
  }
}

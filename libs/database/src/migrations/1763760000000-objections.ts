import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Objections and corrections (校核纠错/异议处理, issue 14 item 3, libs/access): a reader flags
 * records (by their key values) or fields of a dataset version as wrong; the provider confirms
 * (naming the version that corrects them) or rejects with a reason, within a deadline fixed at
 * filing. Open and confirmed-but-uncorrected objections mark their records as disputed.
 */
export class Objections1763760000000 implements MigrationInterface {
  name = 'Objections1763760000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table objection (
        id uuid primary key default gen_random_uuid(),
        dataset_id uuid not null references dataset(id),
        provider_department_id uuid not null references department(id),
        version int not null,
        key_fields jsonb not null,
        record_keys jsonb not null,
        fields text[] not null default '{}',
        evidence text not null,
        objector_kind text not null check (objector_kind in ('DEPARTMENT', 'PUBLIC')),
        objector_department_id uuid references department(id),
        objector text not null,
        contact text,
        receipt_hash text unique,
        status text not null default 'OPEN' check (status in ('OPEN', 'CONFIRMED', 'CORRECTED', 'REJECTED')),
        created_at timestamptz not null default now(),
        deadline timestamptz not null,
        answered_at timestamptz,
        answered_by text,
        corrected_in_version int,
        reason text,
        resolved_at timestamptz,
        updated_at timestamptz not null default now(),
        check ((objector_kind = 'DEPARTMENT') = (objector_department_id is not null)),
        check (status <> 'CONFIRMED' or corrected_in_version > version)
      )`);
    await db.query(`create index objection_dataset on objection (dataset_id, status)`);
    await db.query(`create index objection_provider on objection (provider_department_id, created_at desc)`);
    await db.query(`create index objection_objector on objection (objector_department_id, created_at desc)`);
    await db.query(`
      create table objection_event (
        id bigserial primary key,
        objection_id uuid not null references objection(id),
        at timestamptz not null default now(),
        principal text not null,
        department_code text,
        action text not null,
        reason text,
        details jsonb not null default '{}'
      )`);
    await db.query(`create index objection_event_objection on objection_event (objection_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop table objection_event, objection`);
  }
}

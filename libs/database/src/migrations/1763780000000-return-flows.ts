import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Return flow (数据回流, issue 14): one agreement by which a higher-level provider grants each
 * lower-level department the rows of its own division. The grants themselves are ordinary rows
 * of access_grant (created through libs/policy); this table holds the agreement and its grants.
 */
export class ReturnFlows1763780000000 implements MigrationInterface {
  name = 'ReturnFlows1763780000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table return_flow (
        id uuid primary key default gen_random_uuid(),
        dataset_id uuid not null references dataset(id),
        provider_department_id uuid not null references department(id),
        division_field text not null,
        fields text[] not null check (cardinality(fields) > 0),
        masked text[] not null,
        purpose text not null,
        legal_basis text,
        valid_until timestamptz,
        status text not null default 'ACTIVE' check (status in ('ACTIVE', 'REVOKED')),
        created_at timestamptz not null default now(),
        created_by text not null,
        revoked_at timestamptz,
        revoked_by text,
        revoke_reason text
      )`);
    await db.query(`create index return_flow_provider on return_flow (provider_department_id, created_at desc)`);
    await db.query(`
      create table return_flow_grant (
        return_flow_id uuid not null references return_flow(id),
        grant_id uuid not null unique references access_grant(id),
        consumer_department_id uuid not null references department(id),
        primary key (return_flow_id, consumer_department_id)
      )`);
    await db.query(`create index return_flow_grant_consumer on return_flow_grant (consumer_department_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop table return_flow_grant`);
    await db.query(`drop table return_flow`);
  }
}

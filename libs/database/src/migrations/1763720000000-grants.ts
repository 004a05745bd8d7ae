import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Grants (libs/policy): the machine-enforced result of an approved access request. A grant is
 * never edited in place except to revoke it; EXPIRED is derived from valid_until, so a grant
 * stops working at its end without anyone acting. `version` goes into audit events and cursors.
 */
export class Grants1763720000000 implements MigrationInterface {
  name = 'Grants1763720000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table access_grant (
        id uuid primary key default gen_random_uuid(),
        dataset_id uuid not null references dataset(id),
        consumer_department_id uuid not null references department(id),
        access_request_id uuid,
        fields jsonb not null check (jsonb_typeof(fields) = 'array'),
        row_scope jsonb,
        purpose text not null,
        use_scope text,
        legal_basis text,
        valid_from timestamptz not null default now(),
        valid_until timestamptz,
        aggregate_only boolean not null default false,
        require_purpose boolean not null default false,
        require_end_user_id boolean not null default false,
        status text not null default 'ACTIVE' check (status in ('ACTIVE', 'REVOKED')),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        created_by text not null,
        revoked_at timestamptz,
        revoked_by text,
        revoke_reason text,
        check (valid_until is null or valid_until > valid_from),
        check ((status = 'REVOKED') = (revoked_at is not null))
      )`);
    await db.query(`create index access_grant_consumer on access_grant (consumer_department_id) where status = 'ACTIVE'`);
    await db.query(`create index access_grant_dataset on access_grant (dataset_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop table access_grant`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Access requests (共享申请, libs/access) and their history: every transition with who, when and
 * why. The answer deadline is fixed when the request is filed (working days from then).
 */
export class AccessRequests1763720000001 implements MigrationInterface {
  name = 'AccessRequests1763720000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table access_request (
        id uuid primary key default gen_random_uuid(),
        dataset_id uuid not null references dataset(id),
        consumer_department_id uuid not null references department(id),
        requested_by text not null,
        fields text[] not null check (cardinality(fields) > 0),
        purpose text not null,
        use_scope text,
        legal_basis text,
        valid_until timestamptz,
        status text not null default 'PENDING' check (status in ('PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN')),
        created_at timestamptz not null default now(),
        deadline timestamptz not null,
        decided_at timestamptz,
        decided_by text,
        decision_reason text,
        grant_id uuid references access_grant(id)
      )`);
    await db.query(`create index access_request_dataset on access_request (dataset_id, status)`);
    await db.query(`create index access_request_consumer on access_request (consumer_department_id, status)`);
    await db.query(`alter table access_grant add constraint access_grant_request_fk foreign key (access_request_id) references access_request(id)`);

    await db.query(`
      create table access_request_event (
        id bigserial primary key,
        request_id uuid not null references access_request(id),
        at timestamptz not null default now(),
        principal text not null,
        department_code text,
        action text not null,
        reason text,
        details jsonb not null default '{}'
      )`);
    await db.query(`create index access_request_event_request on access_request_event (request_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`alter table access_grant drop constraint access_grant_request_fk`);
    await db.query(`drop table access_request_event, access_request`);
  }
}

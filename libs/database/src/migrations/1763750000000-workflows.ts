import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sharing workflows (issue 14, libs/access): the working-day calendar (public holidays and
 * make-up working days as data, the years loaded and from which notice), and the demand list
 * (需求清单) with its history. Every deadline is fixed when its stage starts.
 */
export class Workflows1763750000000 implements MigrationInterface {
  name = 'Workflows1763750000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table calendar_year (
        year int primary key check (year between 2000 and 2100),
        source text not null,
        provisional boolean not null,
        note text,
        loaded_at timestamptz not null default now(),
        loaded_by text not null
      )`);
    await db.query(`
      create table calendar_day (
        day date primary key,
        kind text not null check (kind in ('HOLIDAY', 'WORKDAY')),
        name text not null,
        provisional boolean not null default false,
        source text not null,
        updated_at timestamptz not null default now(),
        updated_by text not null
      )`);

    await db.query(`
      create table demand (
        id uuid primary key default gen_random_uuid(),
        requester_department_id uuid not null references department(id),
        requested_by text not null,
        title text not null,
        description text not null,
        fields text[] not null check (cardinality(fields) > 0),
        purpose text not null,
        legal_basis text,
        suggested_provider_department_id uuid references department(id),
        provider_department_id uuid references department(id),
        status text not null default 'SUBMITTED' check (status in ('SUBMITTED', 'ASSIGNED', 'PLANNED', 'LINKED', 'DECLINED')),
        created_at timestamptz not null default now(),
        assign_deadline timestamptz not null,
        assigned_at timestamptz,
        assigned_by text,
        answer_deadline timestamptz,
        answered_at timestamptz,
        answered_by text,
        planned_by date,
        dataset_id uuid references dataset(id),
        decline_reason text,
        access_request_id uuid references access_request(id),
        last_reminded_at timestamptz
      )`);
    await db.query(`create index demand_requester on demand (requester_department_id, created_at desc)`);
    await db.query(`create index demand_provider on demand (provider_department_id, status)`);
    await db.query(`create index demand_open on demand (status) where status in ('SUBMITTED', 'ASSIGNED', 'PLANNED')`);
    await db.query(`
      create table demand_event (
        id bigserial primary key,
        demand_id uuid not null references demand(id),
        at timestamptz not null default now(),
        principal text not null,
        department_code text,
        action text not null,
        reason text,
        details jsonb not null default '{}'
      )`);
    await db.query(`create index demand_event_demand on demand_event (demand_id, id)`);
    await db.query(`alter table access_request add column last_reminded_at timestamptz`);
    await db.query(`create index access_request_open on access_request (deadline) where status = 'PENDING'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop index access_request_open`);
    await db.query(`alter table access_request drop column last_reminded_at`);
    await db.query(`drop table demand_event, demand, calendar_day, calendar_year`);
  }
}

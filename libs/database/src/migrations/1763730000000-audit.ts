import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail (libs/audit): an append-only, hash-chained, monthly partitioned event table,
 * the chain head row every writer serialises on, and signed checkpoints.
 *
 * The writer inserts as the role `causeway_audit_writer` (SET ROLE on its own connections), which
 * may only INSERT events: even when the application connects as the owner or a superuser (the
 * embedded cluster), audit rows go through a role without UPDATE, DELETE or TRUNCATE, and
 * triggers refuse those statements for everyone else too.
 */
export class Audit1763730000000 implements MigrationInterface {
  name = 'Audit1763730000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table audit_event (
        seq bigint not null,
        at timestamptz not null,
        action text not null,
        outcome text not null check (outcome in ('ALLOWED', 'DENIED', 'ERROR')),
        principal text not null,
        principal_id text not null,
        principal_kind text not null,
        department text,
        provider_department text,
        client_ip text,
        request_id text not null,
        end_user_id text,
        purpose text,
        dataset text,
        version integer,
        target text,
        fields_requested text[] not null,
        fields_clear text[] not null,
        fields_masked text[] not null,
        fields_refused text[] not null,
        rows_returned bigint,
        row_scope text,
        grant_ids text[] not null,
        grant_versions integer[] not null,
        reason text,
        detail text,
        duration_ms integer,
        prev_hash text not null,
        hash text not null,
        primary key (seq, at)
      ) partition by range (at)`);
    // What auditors search by; every index is created on each partition automatically.
    await db.query(`create index audit_event_at_idx on audit_event (at, seq)`);
    await db.query(`create index audit_event_department_idx on audit_event (department, at)`);
    await db.query(`create index audit_event_provider_idx on audit_event (provider_department, at)`);
    await db.query(`create index audit_event_dataset_idx on audit_event (dataset, at)`);
    await db.query(`create index audit_event_principal_idx on audit_event (principal, at)`);
    await db.query(`create index audit_event_request_idx on audit_event (request_id)`);
    await db.query(`create index audit_event_fields_idx on audit_event using gin (fields_requested)`);

    await db.query(`
      create table audit_chain_head (
        id smallint primary key check (id = 1),
        seq bigint not null check (seq >= 0),
        hash text not null,
        updated_at timestamptz not null default now()
      )`);
    await db.query(`insert into audit_chain_head (id, seq, hash) values (1, 0, repeat('0', 64))`);

    await db.query(`
      create table audit_checkpoint (
        seq bigint primary key,
        hash text not null,
        at timestamptz not null,
        key_id text not null,
        signature text not null
      )`);

    await db.query(`
      create function audit_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'audit records are append-only: % on % is refused', tg_op, tg_table_name
          using errcode = 'insufficient_privilege';
      end $$`);
    await db.query(`
      create function audit_head_forward() returns trigger language plpgsql as $$
      begin
        if new.seq < old.seq then
          raise exception 'the audit chain head only moves forward (% -> %)', old.seq, new.seq using errcode = 'insufficient_privilege';
        end if;
        return new;
      end $$`);
    await db.query(`create trigger audit_event_append_only before update or delete on audit_event for each row execute function audit_refuse_change()`);
    await db.query(`create trigger audit_event_no_truncate before truncate on audit_event for each statement execute function audit_refuse_change()`);
    await db.query(`create trigger audit_checkpoint_append_only before update or delete on audit_checkpoint for each row execute function audit_refuse_change()`);
    await db.query(`create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint for each statement execute function audit_refuse_change()`);
    await db.query(`create trigger audit_head_no_delete before delete on audit_chain_head for each row execute function audit_refuse_change()`);
    await db.query(`create trigger audit_head_no_truncate before truncate on audit_chain_head for each statement execute function audit_refuse_change()`);
    await db.query(`create trigger audit_head_forward before update on audit_chain_head for each row execute function audit_head_forward()`);

    // Monthly partitions, created on demand by the writer (which may not create tables itself).
    // A partition is never dropped by the application; truncating one directly is refused too.
    await db.query(`
      create function audit_ensure_partition(month_of timestamptz) returns text
      language plpgsql security definer set search_path = public, pg_temp as $$
      declare
        first_day date := date_trunc('month', month_of at time zone 'UTC')::date;
        name text := format('audit_event_%s', to_char(first_day, 'YYYY_MM'));
      begin
        if to_regclass(name) is null then
          begin
            execute format(
              'create table %I partition of audit_event for values from (%L) to (%L)',
              name, (first_day::timestamp at time zone 'UTC'), ((first_day + interval '1 month')::timestamp at time zone 'UTC'));
            execute format('create trigger audit_partition_no_truncate before truncate on %I for each statement execute function audit_refuse_change()', name);
          exception when duplicate_table then
            null; -- another writer created it a moment ago
          end;
        end if;
        return name;
      end $$`);
    await db.query(`select audit_ensure_partition(now())`);
    await db.query(`select audit_ensure_partition(now() + interval '1 month')`);

    // The writer role. Roles belong to the whole cluster (several databases may share one), so
    // it may exist already; a deployment whose migration user cannot create roles skips this and
    // the writer then inserts as the connecting user (see docs/audit.md).
    await db.query(`
      do $$
      begin
        begin
          if not exists (select 1 from pg_roles where rolname = 'causeway_audit_writer') then
            create role causeway_audit_writer nologin;
          end if;
        exception when duplicate_object or unique_violation then
          null;
        end;
        execute format('grant causeway_audit_writer to %I', current_user);
        revoke all on audit_event, audit_chain_head, audit_checkpoint from causeway_audit_writer;
        grant insert on audit_event to causeway_audit_writer;
        grant select, update on audit_chain_head to causeway_audit_writer;
        grant select, insert on audit_checkpoint to causeway_audit_writer;
        grant execute on function audit_ensure_partition(timestamptz) to causeway_audit_writer;
      exception when insufficient_privilege then
        raise notice 'causeway_audit_writer not set up (%); the audit writer will insert as %', sqlerrm, current_user;
      end $$`);
  }

  async down(): Promise<void> {
    throw new Error('The audit trail is never dropped by a migration');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema holding one typed table per dataset version. The catalogue's version-tables module owns
 * the name for code; this literal is the migration's own (history keeps its meaning), and a unit
 * test there checks that the two agree.
 */
const DATA_SCHEMA = 'causeway_data';

export class Foundation1763700000000 implements MigrationInterface {
  name = 'Foundation1763700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`create extension if not exists pg_trgm`);
    await db.query(`create schema if not exists ${DATA_SCHEMA}`);

    await db.query(`
      create table department (
        id uuid primary key default gen_random_uuid(),
        code text not null unique check (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
        name text not null,
        name_en text,
        parent_id uuid references department(id),
        division_code text check (division_code ~ '^[0-9]{6,12}$'),
        contact_name text,
        contact_phone text,
        contact_email text,
        created_at timestamptz not null default now()
      )`);

    await db.query(`
      create table app_user (
        id uuid primary key default gen_random_uuid(),
        department_id uuid not null references department(id),
        email text not null,
        display_name text not null,
        password_hash text not null,
        roles text[] not null check (cardinality(roles) > 0),
        active boolean not null default true,
        created_at timestamptz not null default now(),
        last_login_at timestamptz
      )`);
    await db.query(`create unique index app_user_email_key on app_user (lower(email))`);

    await db.query(`
      create table system_client (
        id uuid primary key default gen_random_uuid(),
        department_id uuid not null references department(id),
        name text not null,
        roles text[] not null check (cardinality(roles) > 0),
        key_prefix text not null unique,
        key_hash text not null,
        allowed_cidrs text[] not null default '{}',
        created_at timestamptz not null default now(),
        created_by text not null,
        expires_at timestamptz,
        revoked_at timestamptz,
        revoked_by text,
        revoke_reason text,
        last_used_at timestamptz,
        unique (department_id, name)
      )`);

    await db.query(`
      create table dataset (
        id uuid primary key default gen_random_uuid(),
        code text not null unique,
        api_name text not null unique,
        title text not null,
        title_en text,
        summary text not null,
        provider_department_id uuid not null references department(id),
        category text not null,
        theme text,
        keywords text[] not null default '{}',
        format text,
        update_cycle text not null,
        sharing_type text not null,
        sharing_condition text,
        sharing_basis text,
        open_type text not null,
        open_condition text,
        license text,
        temporal_from date,
        temporal_to date,
        spatial_coverage text,
        related_codes text[] not null default '{}',
        status text not null default 'DRAFT',
        current_version_id uuid,
        search_text text not null default '',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        published_at timestamptz,
        retired_at timestamptz
      )`);
    await db.query(`create index dataset_search_trgm on dataset using gin (search_text gin_trgm_ops)`);
    await db.query(`create index dataset_provider on dataset (provider_department_id)`);

    await db.query(`
      create table dataset_field (
        id uuid primary key default gen_random_uuid(),
        dataset_id uuid not null references dataset(id) on delete cascade,
        position int not null,
        name text not null,
        title text not null,
        type text not null,
        nullable boolean not null default true,
        is_key boolean not null default false,
        sensitivity text not null default 'INTERNAL',
        sharing_type text,
        mask text not null default 'NONE',
        description text,
        unit text,
        unique (dataset_id, name)
      )`);

    await db.query(`
      create table dataset_version (
        id uuid primary key default gen_random_uuid(),
        dataset_id uuid not null references dataset(id),
        version int not null,
        table_name text not null unique,
        row_count bigint not null,
        checksum text not null,
        source_name text,
        encoding text,
        format text,
        fields jsonb not null,
        loaded_by text not null,
        loaded_at timestamptz not null default now(),
        published_at timestamptz,
        dropped_at timestamptz,
        unique (dataset_id, version)
      )`);
    await db.query(`alter table dataset add constraint dataset_current_version_fk foreign key (current_version_id) references dataset_version(id)`);

    await db.query(`
      create table dataset_change (
        id bigserial primary key,
        dataset_id uuid not null references dataset(id),
        at timestamptz not null default now(),
        principal text not null,
        department_code text,
        action text not null,
        changes jsonb not null default '{}'
      )`);
    await db.query(`create index dataset_change_dataset on dataset_change (dataset_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop table dataset_change, dataset_field`);
    await db.query(`alter table dataset drop constraint dataset_current_version_fk`);
    await db.query(`drop table dataset_version, dataset, system_client, app_user, department`);
    await db.query(`drop schema if exists ${DATA_SCHEMA} cascade`);
  }
}

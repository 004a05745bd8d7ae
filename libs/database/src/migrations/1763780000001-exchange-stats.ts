import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Published exchange statistics (issue 14, libs/statistics): each settled day's exchange counts,
 * counted once from the audit trail and kept, so the daily refresh reads one day of audit events,
 * not a year. These are the raw counts before suppression: internal, never served as such.
 */
export class ExchangeStats1763780000001 implements MigrationInterface {
  name = 'ExchangeStats1763780000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table exchange_stats_day (
        day date primary key,
        counted_at timestamptz not null default now()
      )`);
    await db.query(`
      create table exchange_stats_cell (
        day date not null references exchange_stats_day(day) on delete cascade,
        provider_department text,
        consumer_department text,
        dataset text not null,
        outcome text not null,
        exchanges int not null check (exchanges > 0)
      )`);
    await db.query(`create index exchange_stats_cell_day on exchange_stats_cell (day)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop table exchange_stats_cell`);
    await db.query(`drop table exchange_stats_day`);
  }
}

import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditOutcome, AuditService, systemContext } from '@causeway/audit';
import { badInput, forbidden, hasRole, notFound, Role, type RequestContext } from '@causeway/core';
import { DataSource, EntityManager } from 'typeorm';
import { readShippedCalendar, type CalendarFile, type CalendarFileYear } from './calendar-file.js';
import { CalendarDayDto, CalendarYearDto, SetCalendarDayInput } from './dto.js';
import { cstDate, CalendarDayKind, dayOfDate, WorkingDayCalendar } from './working-days.js';

interface CalendarDayRow {
  day: string;
  kind: CalendarDayKind;
  name: string;
  provisional: boolean;
  source: string;
  updated_at: Date;
  updated_by: string;
}

/** Serialises loading a year (several replicas start at once). */
const CALENDAR_LOCK = 'calendar-load';

/**
 * The working-day calendar as data (calendar_day): public holidays and make-up working days,
 * loaded from the shipped file for the current and the next year when a year is missing, edited
 * by administrators (GraphQL, `causeway calendar:import`). Every deadline is counted on it; a
 * deadline is fixed when its stage starts, so a later edit changes only deadlines set after it.
 */
@Injectable()
export class CalendarService implements OnApplicationBootstrap {
  private readonly logger = new Logger(CalendarService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const loaded = await this.loadShippedYears(new Date());
    if (loaded.length > 0) this.logger.log(`working-day calendar loaded for ${loaded.join(', ')} from the shipped file`);
  }

  /** Loads the shipped file's current and next year (China time) when the database has no such year. */
  async loadShippedYears(now: Date): Promise<number[]> {
    const year = Number(cstDate(now).slice(0, 4));
    const shipped = readShippedCalendar();
    const wanted = shipped.years.filter((entry) => entry.year === year || entry.year === year + 1);
    const loaded: number[] = [];
    for (const entry of wanted) {
      const done = await this.db.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock(hashtext($1))', [CALENDAR_LOCK]);
        const present = (await tx.query('select 1 from calendar_year where year = $1', [entry.year])) as unknown[];
        if (present.length > 0) return false;
        await this.writeYear(tx, entry, 'system:calendar-loader');
        return true;
      });
      if (done) {
        loaded.push(entry.year);
        await this.audit.record(systemContext('calendar-loader'), {
          action: 'calendar.import',
          outcome: AuditOutcome.ALLOWED,
          target: `calendar:${entry.year}`,
          detail: { year: entry.year, days: entry.days.length, provisional: entry.provisional, source: entry.source.slice(0, 200), from: 'shipped file' },
        });
      }
    }
    return loaded;
  }

  /** The calendar every deadline is counted on (read afresh: a few hundred rows, never stale). */
  async calendar(manager: EntityManager = this.db.manager): Promise<WorkingDayCalendar> {
    const rows = (await manager.query(`select to_char(day, 'YYYY-MM-DD') as date, kind from calendar_day`)) as { date: string; kind: CalendarDayKind }[];
    return new WorkingDayCalendar(rows);
  }

  async days(year: number): Promise<CalendarDayDto[]> {
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw badInput('year', 'must be a year from 2000 to 2100');
    const rows = (await this.db.query(
      `select to_char(day, 'YYYY-MM-DD') as day, kind, name, provisional, source, updated_at, updated_by from calendar_day
        where day >= make_date($1, 1, 1) and day < make_date($1 + 1, 1, 1) order by day`,
      [year],
    )) as CalendarDayRow[];
    return rows.map((row) => this.toDto(row));
  }

  async years(): Promise<CalendarYearDto[]> {
    const rows = (await this.db.query(`select year, source, provisional, note, loaded_at, loaded_by from calendar_year order by year`)) as {
      year: number;
      source: string;
      provisional: boolean;
      note: string | null;
      loaded_at: Date;
      loaded_by: string;
    }[];
    return rows.map((row) => ({ year: row.year, source: row.source, provisional: row.provisional, note: row.note, loadedAt: row.loaded_at, loadedBy: row.loaded_by }));
  }

  async setDay(ctx: RequestContext, input: SetCalendarDayInput): Promise<CalendarDayDto> {
    this.mustAdminister(ctx);
    if (dayOfDate(input.date) === null) throw badInput('input.date', `must be a date as YYYY-MM-DD, e.g. 2026-10-01; got "${input.date.slice(0, 20)}"`);
    if (!input.name.trim()) throw badInput('input.name', 'must name the day, e.g. 国庆节 or 国庆节调休上班');
    const source = input.source?.trim() || `set by ${ctx.principal.label}`;
    const [row] = (await this.db.query(
      `insert into calendar_day (day, kind, name, provisional, source, updated_at, updated_by) values ($1, $2, $3, $4, $5, now(), $6)
       on conflict (day) do update set kind = excluded.kind, name = excluded.name, provisional = excluded.provisional, source = excluded.source,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by
       returning to_char(day, 'YYYY-MM-DD') as day, kind, name, provisional, source, updated_at, updated_by`,
      [input.date, input.kind, input.name.trim(), input.provisional ?? false, source, ctx.principal.label],
    )) as CalendarDayRow[];
    await this.audit.record(ctx, {
      action: 'calendar.set',
      outcome: AuditOutcome.ALLOWED,
      target: `calendar:${input.date}`,
      detail: { date: input.date, kind: input.kind, name: input.name.trim().slice(0, 100), provisional: input.provisional ?? false },
    });
    return this.toDto(row!);
  }

  async removeDay(ctx: RequestContext, date: string): Promise<CalendarDayDto> {
    this.mustAdminister(ctx);
    if (dayOfDate(date) === null) throw badInput('date', `must be a date as YYYY-MM-DD, e.g. 2026-10-01; got "${date.slice(0, 20)}"`);
    const result = (await this.db.query(
      `delete from calendar_day where day = $1 returning to_char(day, 'YYYY-MM-DD') as day, kind, name, provisional, source, updated_at, updated_by`,
      [date],
    )) as [CalendarDayRow[], number];
    const row = result[0][0];
    if (!row) throw notFound(`Calendar day ${date}`);
    await this.audit.record(ctx, { action: 'calendar.remove', outcome: AuditOutcome.ALLOWED, target: `calendar:${date}`, detail: { date, kind: row.kind, name: row.name } });
    return this.toDto(row);
  }

  /** Replaces each year of the file with the file's days (the command line's `calendar:import`). */
  async importFile(ctx: RequestContext, file: CalendarFile, actor: string): Promise<{ year: number; days: number }[]> {
    const done: { year: number; days: number }[] = [];
    for (const entry of file.years) {
      await this.db.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock(hashtext($1))', [CALENDAR_LOCK]);
        await tx.query(`delete from calendar_day where day >= make_date($1, 1, 1) and day < make_date($1 + 1, 1, 1)`, [entry.year]);
        await tx.query('delete from calendar_year where year = $1', [entry.year]);
        await this.writeYear(tx, entry, actor);
      });
      await this.audit.record(ctx, {
        action: 'calendar.import',
        outcome: AuditOutcome.ALLOWED,
        target: `calendar:${entry.year}`,
        detail: { year: entry.year, days: entry.days.length, provisional: entry.provisional, source: entry.source.slice(0, 200) },
      });
      done.push({ year: entry.year, days: entry.days.length });
    }
    return done;
  }

  private async writeYear(tx: EntityManager, entry: CalendarFileYear, actor: string): Promise<void> {
    if (entry.days.length > 0) {
      await tx.query(
        `insert into calendar_day (day, kind, name, provisional, source, updated_by)
         select d.day::date, d.kind, d.name, $4, $5, $6 from unnest($1::text[], $2::text[], $3::text[]) as d(day, kind, name)
         on conflict (day) do update set kind = excluded.kind, name = excluded.name, provisional = excluded.provisional, source = excluded.source,
           updated_at = now(), updated_by = excluded.updated_by`,
        [entry.days.map((day) => day.date), entry.days.map((day) => day.kind), entry.days.map((day) => day.name), entry.provisional, entry.source, actor],
      );
    }
    await tx.query(`insert into calendar_year (year, source, provisional, note, loaded_by) values ($1, $2, $3, $4, $5)`, [
      entry.year,
      entry.source,
      entry.provisional,
      entry.note ?? null,
      actor,
    ]);
  }

  private mustAdminister(ctx: RequestContext): void {
    if (!hasRole(ctx.principal, Role.ADMIN)) throw forbidden('Only a platform administrator may change the working-day calendar');
  }

  private toDto(row: CalendarDayRow): CalendarDayDto {
    return { date: row.day, kind: row.kind, name: row.name, provisional: row.provisional, source: row.source, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }
}

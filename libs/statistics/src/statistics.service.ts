import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditOutcome, AuditQueryService, systemContext, type ExchangeCount } from '@causeway/audit';
import { CatalogueRegistry, CatalogueVersions } from '@causeway/catalogue';
import { CausewayConfig, CausewayError, ErrorCode, Role, type RequestContext } from '@causeway/core';
import { DepartmentsService } from '@causeway/identity';
import { IngestService } from '@causeway/ingest';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { EXCHANGE_ACTIONS, STATS_DATASET, statsCsv, statsDatasetInput, suppressSmallCounts } from './exchange-stats.js';

/** Days of history each published version covers (a year and a day, so a whole year always shows). */
export const STATS_WINDOW_DAYS = 366;

const REFRESH_LOCK = 'causeway:exchange-stats';
const DAY_MS = 86_400_000;
const SETTLE_MS = 15 * 60_000;

export interface StatsRefreshReport {
  /**
   * Why nothing was loaded: another process holds the refresh (LOCKED), this day's version is
   * there already (FRESH), or no cell reaches the threshold (EMPTY: the current version stays).
   */
  skipped: 'LOCKED' | 'FRESH' | 'EMPTY' | null;
  dataset: string;
  /** The first and last day (China time) the version covers. */
  from: string;
  through: string;
  cellsCounted: number;
  cellsPublished: number;
  cellsSuppressed: number;
  threshold: number;
  version: number | null;
  /** The counts were those of the current version already: no new version. */
  duplicate: boolean;
}

/** The China date (UTC+8, no daylight saving) of an instant, YYYY-MM-DD. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The last China day that ended at least 15 minutes before `now`. */
export function lastSettledDay(now: Date): string {
  return chinaDate(new Date(chinaMidnight(chinaDate(new Date(now.getTime() - SETTLE_MS))).getTime() - DAY_MS));
}

/** The instant a China date begins. */
export function chinaMidnight(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/**
 * Published exchange statistics (as X-Road-Metrics does): exchanges per day × provider × consumer
 * × dataset × outcome, read from the audit trail through the audit context, small counts
 * suppressed, loaded as a new version of the open dataset PLATFORM-EXCHANGE-STATS through the
 * catalogue and ingest, as a platform steward would upload it. Only whole days are published
 * (up to yesterday, China time): a day's cells never change once out, so comparing two
 * refreshes tells nothing finer than a day.
 */
@Injectable()
export class StatisticsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditQueryService,
    private readonly catalogue: CatalogueRegistry,
    private readonly versions: CatalogueVersions,
    private readonly departments: DepartmentsService,
    private readonly ingest: IngestService,
    private readonly config: CausewayConfig,
  ) {}

  /**
   * Refreshes the published statistics: one process at a time (a PostgreSQL advisory lock; a
   * second caller returns LOCKED at once). It publishes the whole days (China time) through
   * `through`, by default the last day that ended at least 15 minutes ago (an exchange of
   * 23:59:59 whose audit event commits a moment after midnight is still counted in its day, and a
   * published day never changes later). `onlyIfStale` skips when the current version already
   * runs through that day.
   */
  async refresh(options: { through?: string; onlyIfStale?: boolean; actor?: string } = {}): Promise<StatsRefreshReport> {
    const threshold = this.config.STATS_MIN_COUNT;
    const through = options.through ?? lastSettledDay(new Date());
    const from = chinaDate(new Date(chinaMidnight(through).getTime() - (STATS_WINDOW_DAYS - 1) * DAY_MS));
    const sourceName = `exchange-stats-through-${through}.csv`;
    const report: StatsRefreshReport = { skipped: null, dataset: STATS_DATASET, from, through, cellsCounted: 0, cellsPublished: 0, cellsSuppressed: 0, threshold, version: null, duplicate: false };

    const lock = this.db.createQueryRunner('master');
    await lock.connect();
    try {
      const [{ locked }] = (await lock.query('select pg_try_advisory_lock(hashtext($1)) as locked', [REFRESH_LOCK])) as { locked: boolean }[];
      if (!locked) return { ...report, skipped: 'LOCKED' };
      try {
        const ctx = await this.publisher(options.actor ?? 'statistics');
        await this.ensureDataset(ctx, threshold);
        if (options.onlyIfStale && (await this.currentSourceName()) === sourceName) return { ...report, skipped: 'FRESH' };
        const counts = await this.counts(from, through);
        const published = suppressSmallCounts(counts, threshold);
        // An upload needs rows: with none to publish, the current version (if any) stays.
        if (published.length === 0) return { ...report, skipped: 'EMPTY', cellsCounted: counts.length, cellsSuppressed: counts.length };
        const loaded = await this.ingest.ingest(ctx, STATS_DATASET, Readable.from([Buffer.from(statsCsv(published), 'utf8')]), { format: 'csv', sourceName, publish: true });
        return {
          ...report,
          cellsCounted: counts.length,
          cellsPublished: published.length,
          cellsSuppressed: counts.length - published.length,
          version: loaded.version,
          duplicate: loaded.duplicate,
        };
      } finally {
        await lock.query('select pg_advisory_unlock(hashtext($1))', [REFRESH_LOCK]);
      }
    } finally {
      await lock.release();
    }
  }

  /**
   * The raw counts of [from, through]. A settled day is counted from the audit trail once and
   * kept (exchange_stats_day/cell): the daily refresh reads one new day of audit events, not a
   * year. A day not yet settled (only when a caller asks for it) is counted live and not kept.
   */
  private async counts(from: string, through: string): Promise<ExchangeCount[]> {
    const settled = lastSettledDay(new Date());
    const lastKept = through < settled ? through : settled;
    if (from <= lastKept) await this.countMissingDays(from, lastKept);
    const kept = (await this.db.query(
      `select to_char(day, 'YYYY-MM-DD') as day, provider_department, consumer_department, dataset, outcome, exchanges
         from exchange_stats_cell where day between $1::date and $2::date`,
      [from, lastKept],
    )) as { day: string; provider_department: string | null; consumer_department: string | null; dataset: string; outcome: AuditOutcome; exchanges: number }[];
    const counts: ExchangeCount[] = kept.map((row) => ({
      day: row.day,
      providerDepartment: row.provider_department,
      consumerDepartment: row.consumer_department,
      dataset: row.dataset,
      outcome: row.outcome,
      count: Number(row.exchanges),
    }));
    if (through > lastKept) {
      const start = new Date(Math.max(chinaMidnight(lastKept).getTime() + DAY_MS, chinaMidnight(from).getTime()));
      counts.push(...(await this.audit.exchangeCounts(start, new Date(chinaMidnight(through).getTime() + DAY_MS), EXCHANGE_ACTIONS)));
    }
    return counts;
  }

  /** Counts the settled days of [from, through] not counted yet, in one read of the audit trail, and keeps them. */
  private async countMissingDays(from: string, through: string): Promise<void> {
    const missing = (
      (await this.db.query(
        `select to_char(g.day, 'YYYY-MM-DD') as day from generate_series($1::date, $2::date, interval '1 day') as g(day)
          where not exists (select 1 from exchange_stats_day kept where kept.day = g.day::date) order by 1`,
        [from, through],
      )) as { day: string }[]
    ).map((row) => row.day);
    if (missing.length === 0) return;
    const wanted = new Set(missing);
    const counts = (await this.audit.exchangeCounts(chinaMidnight(missing[0]!), new Date(chinaMidnight(missing.at(-1)!).getTime() + DAY_MS), EXCHANGE_ACTIONS)).filter((cell) =>
      wanted.has(cell.day),
    );
    await this.db.transaction(async (tx) => {
      await tx.query(`insert into exchange_stats_day (day) select unnest($1::date[]) on conflict do nothing`, [missing]);
      for (let start = 0; start < counts.length; start += 1000) {
        const chunk = counts.slice(start, start + 1000);
        await tx.query(
          `insert into exchange_stats_cell (day, provider_department, consumer_department, dataset, outcome, exchanges)
           select * from unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[])`,
          [
            chunk.map((cell) => cell.day),
            chunk.map((cell) => cell.providerDepartment),
            chunk.map((cell) => cell.consumerDepartment),
            chunk.map((cell) => cell.dataset),
            chunk.map((cell) => cell.outcome),
            chunk.map((cell) => cell.count),
          ],
        );
      }
    });
  }

  /** The platform department's steward, as the job acts: recorded in the audit trail as `system:<actor>`. */
  private async publisher(actor: string): Promise<RequestContext> {
    const department = await this.departments.byCode(this.config.STATS_DEPARTMENT);
    if (!department) {
      throw new CausewayError(
        ErrorCode.BAD_USER_INPUT,
        `STATS_DEPARTMENT names ${this.config.STATS_DEPARTMENT}, which is not a department: create the platform department (causeway department:create) or set STATS_DEPARTMENT`,
      );
    }
    const context = systemContext(actor);
    return {
      ...context,
      principal: Object.freeze({
        ...context.principal,
        kind: 'CLIENT' as const,
        departmentId: department.id,
        departmentCode: department.code,
        divisionCode: department.divisionCode,
        roles: [Role.STEWARD],
      }),
    };
  }

  /** Registers the dataset on the first refresh; keeps its description's threshold true when STATS_MIN_COUNT changes. */
  private async ensureDataset(ctx: RequestContext, threshold: number): Promise<void> {
    const input = statsDatasetInput(threshold);
    const existing = await this.catalogue.findByCode(STATS_DATASET);
    if (!existing) await this.catalogue.register(ctx, input);
    else if (existing.summary !== input.summary) await this.catalogue.update(ctx, STATS_DATASET, { summary: input.summary });
  }

  private async currentSourceName(): Promise<string | null> {
    const dataset = await this.catalogue.findByCode(STATS_DATASET);
    if (!dataset?.currentVersionId) return null;
    const versions = await this.versions.versions(dataset.id, dataset.currentVersionId);
    return versions.find((version) => version.current)?.sourceName ?? null;
  }
}

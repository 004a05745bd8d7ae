import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { badInput, CausewayConfig, forbidden, type RequestContext } from '@causeway/core';
import { DataSource } from 'typeorm';
import { CalendarService } from '../calendar.service.js';
import type { AccessRequestStatisticsDto } from './timeliness.dto.js';
import { oversightOf, providerTimeliness, type TimelinessRow } from './timeliness.js';

const DEFAULT_PERIOD_DAYS = 90;
const MAX_PERIOD_DAYS = 366 * 2;

/** Answer times of access requests per provider department, for those who oversee them. */
@Injectable()
export class TimelinessService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly calendar: CalendarService,
    private readonly config: CausewayConfig,
  ) {}

  async statistics(ctx: RequestContext, from?: Date | null, to?: Date | null, now: Date = new Date()): Promise<AccessRequestStatisticsDto[]> {
    const oversight = oversightOf(ctx.principal, this.config.AUDIT_CITY_DEPARTMENTS);
    if (!oversight) throw forbidden('Answer-time statistics are for the data bureau (ADMIN), auditors and data stewards');
    const until = to ?? now;
    const since = from ?? new Date(until.getTime() - DEFAULT_PERIOD_DAYS * 86_400_000);
    if (since.getTime() > until.getTime()) throw badInput('from', 'must not be after to');
    if (until.getTime() - since.getTime() > MAX_PERIOD_DAYS * 86_400_000) throw badInput('from', `the period may span at most ${MAX_PERIOD_DAYS} days`);
    const rows = (await this.db.query(
      `select p.code as provider, r.status, r.created_at, r.deadline, r.decided_at
         from access_request r join dataset d on d.id = r.dataset_id join department p on p.id = d.provider_department_id
        where r.created_at >= $1 and r.created_at < $2
          and ($3::uuid is null or r.consumer_department_id = $3 or d.provider_department_id = $3)`,
      [since, until, oversight.kind === 'department' ? oversight.departmentId : null],
    )) as { provider: string; status: TimelinessRow['status']; created_at: Date; deadline: Date; decided_at: Date | null }[];
    const calendar = await this.calendar.calendar();
    return providerTimeliness(
      rows.map((row) => ({ provider: row.provider, status: row.status, createdAt: row.created_at, deadline: row.deadline, decidedAt: row.decided_at })),
      calendar,
      now,
    );
  }
}

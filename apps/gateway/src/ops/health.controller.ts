import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { AuditService } from '@causeway/audit';
import { Public } from '@causeway/core';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly audit: AuditService,
  ) {}

  /** The process is up (for restarts by an orchestrator). */
  @Get('live')
  @Public()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The process can serve: the database answers and the audit writer may write (for load balancers). */
  @Get('ready')
  @Public()
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2_000 }), () => this.auditWriter()]);
  }

  /** Without a writable audit trail every exchange is refused (fail closed): not ready. */
  private async auditWriter() {
    const indicator = this.indicators.check('audit');
    const health = await this.audit.health();
    const details = { queued: health.queued, lastCommitAt: health.lastCommitAt?.toISOString() ?? null, headSeq: health.head?.seq ?? null };
    return health.writable ? indicator.up(details) : indicator.down({ ...details, problem: health.problem ?? 'not writable' });
  }
}

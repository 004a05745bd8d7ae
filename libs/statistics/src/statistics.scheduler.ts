import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CausewayConfig } from '@causeway/core';
import { StatisticsService } from './statistics.service.js';

const FIRST_RUN_MS = 60_000;
const EVERY_MS = 3_600_000;

/**
 * The gateway's daily refresh of the published statistics: every hour each replica asks for a
 * refresh that is skipped when yesterday's version is there already (FRESH) or another replica
 * is at it (LOCKED, the advisory lock), so one load a day happens, soon after midnight China time.
 * Off under NODE_ENV=test and with STATS_SCHEDULE=false; `causeway stats:refresh` does it by hand.
 */
@Injectable()
export class StatisticsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StatisticsScheduler.name);
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly statistics: StatisticsService,
    private readonly config: CausewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.STATS_SCHEDULE || this.config.NODE_ENV === 'test') return;
    this.timers = [setTimeout(() => this.tick(), FIRST_RUN_MS), setInterval(() => this.tick(), EVERY_MS)];
    for (const timer of this.timers) timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.statistics
      .refresh({ onlyIfStale: true, actor: 'stats-schedule' })
      .then((report) => {
        if (!report.skipped) this.logger.log(`exchange statistics through ${report.through}: ${report.cellsPublished} cells published, ${report.cellsSuppressed} suppressed (version ${report.version})`);
      })
      .catch((error: Error) => this.logger.warn(`exchange statistics not refreshed: ${error.message}`))
      .finally(() => (this.running = null));
  }
}

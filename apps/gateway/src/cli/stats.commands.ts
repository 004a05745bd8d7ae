import { chinaMidnight, StatisticsService } from '@causeway/statistics';
import os from 'node:os';
import { Command, CommandRunner, Option } from 'nest-commander';
import { out, UsageError } from './output.js';

@Command({ name: 'stats:refresh', description: 'Publish the exchange statistics (PLATFORM-EXCHANGE-STATS) through yesterday, China time, as a new version of the open dataset' })
export class StatsRefreshCommand extends CommandRunner {
  constructor(private readonly statistics: StatisticsService) {
    super();
  }

  async run(_args: string[], options: { asOf?: Date; json?: boolean }): Promise<void> {
    const report = await this.statistics.refresh({ asOf: options.asOf, actor: `cli:${os.userInfo().username}` });
    if (options.json) {
      out(JSON.stringify(report, null, 2));
      return;
    }
    if (report.skipped === 'LOCKED') {
      out('another process is refreshing the statistics now: nothing done');
      return;
    }
    out(
      `${report.dataset} ${report.from} … ${report.through}: ${report.cellsPublished} cells published, ${report.cellsSuppressed} below ${report.threshold} exchanges dropped` +
        (report.duplicate ? ` (unchanged: version ${report.version} stays current)` : ` (version ${report.version})`),
    );
  }

  @Option({ flags: '--as-of <date>', description: 'refresh as if it were this day (YYYY-MM-DD, China time): publishes the days before it' })
  parseAsOf(value: string): Date {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(chinaMidnight(value).getTime())) throw new UsageError('--as-of takes a date, e.g. --as-of 2026-12-08');
    return chinaMidnight(value);
  }

  @Option({ flags: '--json', description: 'print the report as JSON' })
  parseJson(): boolean {
    return true;
  }
}

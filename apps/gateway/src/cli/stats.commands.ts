import { chinaDate, chinaMidnight, StatisticsService } from '@causeway/statistics';
import os from 'node:os';
import { Command, CommandRunner, Option } from 'nest-commander';
import { out, UsageError } from './output.js';

@Command({ name: 'stats:refresh', description: 'Publish the exchange statistics (PLATFORM-EXCHANGE-STATS) through yesterday, China time, as a new version of the open dataset' })
export class StatsRefreshCommand extends CommandRunner {
  constructor(private readonly statistics: StatisticsService) {
    super();
  }

  async run(_args: string[], options: { through?: string; json?: boolean }): Promise<void> {
    const report = await this.statistics.refresh({ through: options.through, actor: `cli:${os.userInfo().username}` });
    if (options.json) {
      out(JSON.stringify(report, null, 2));
      return;
    }
    if (report.skipped === 'LOCKED') {
      out('another process is refreshing the statistics now: nothing done');
      return;
    }
    if (report.skipped === 'EMPTY') {
      out(`${report.dataset} ${report.from} … ${report.through}: no cell reaches ${report.threshold} exchanges (${report.cellsSuppressed} dropped): nothing to publish, the current version stays`);
      return;
    }
    out(
      `${report.dataset} ${report.from} … ${report.through}: ${report.cellsPublished} cells published, ${report.cellsSuppressed} below ${report.threshold} exchanges dropped` +
        (report.duplicate ? ` (unchanged: version ${report.version} stays current)` : ` (version ${report.version})`),
    );
  }

  @Option({ flags: '--through <date>', description: 'the last day to publish (YYYY-MM-DD, China time; default: yesterday). Only whole days: not today or later' })
  parseThrough(value: string): string {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(chinaMidnight(value).getTime()) || chinaDate(chinaMidnight(value)) !== value) {
      throw new UsageError('--through takes a date, e.g. --through 2026-12-07');
    }
    // A day still running would publish counts that change: comparing two versions would show single exchanges.
    if (value >= chinaDate(new Date())) throw new UsageError(`--through must be a day that is over (before ${chinaDate(new Date())}, China time)`);
    return value;
  }

  @Option({ flags: '--json', description: 'print the report as JSON' })
  parseJson(): boolean {
    return true;
  }
}

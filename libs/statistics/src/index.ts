export { StatisticsModule } from './statistics.module.js';
export { StatisticsScheduler } from './statistics.scheduler.js';
export { chinaDate, chinaMidnight, lastSettledDay, STATS_WINDOW_DAYS, StatisticsService, type StatsRefreshReport } from './statistics.service.js';
export { EXCHANGE_ACTIONS, PUBLIC_CONSUMER, STATS_COLUMNS, STATS_DATASET, statsCsv, statsDatasetInput, suppressSmallCounts, type PublishedCount } from './exchange-stats.js';

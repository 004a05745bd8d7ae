import { FieldType, OpenType, Sensitivity, SharingType, UpdateCycle, type RegisterDatasetInput } from '@causeway/catalogue';
import type { ExchangeCount } from '@causeway/audit';

/** The dataset code of the published statistics, registered under the platform department. */
export const STATS_DATASET = 'PLATFORM-EXCHANGE-STATS';

/** The audit actions that are data exchanges: a read of rows or statistics of a dataset. */
export const EXCHANGE_ACTIONS = ['records.query', 'aggregate.query', 'portal.datastore_search', 'portal.download'] as const;

/** What an anonymous exchange (the open-data portal) shows as its consumer department. */
export const PUBLIC_CONSUMER = 'PUBLIC';

/** The published columns, in order: the grouping keys and the count, nothing else. */
export const STATS_COLUMNS = ['day', 'providerDepartment', 'consumerDepartment', 'dataset', 'outcome', 'exchanges'] as const;

export interface PublishedCount {
  day: string;
  providerDepartment: string;
  consumerDepartment: string;
  dataset: string;
  outcome: string;
  exchanges: number;
}

/**
 * Small-count suppression: a cell counting fewer than `threshold` exchanges is dropped, not
 * merged into an "other" bucket, and no total is published next to the cells. With only the
 * surviving cells public, no subtraction (of a total, a margin or an "other" row) can bring a
 * dropped cell back; the price is that sums over the published table undercount.
 */
export function suppressSmallCounts(counts: readonly ExchangeCount[], threshold: number): PublishedCount[] {
  return counts
    .filter((cell) => cell.count >= threshold)
    .map((cell) => ({
      day: cell.day,
      providerDepartment: cell.providerDepartment ?? PUBLIC_CONSUMER,
      consumerDepartment: cell.consumerDepartment ?? PUBLIC_CONSUMER,
      dataset: cell.dataset,
      outcome: cell.outcome,
      exchanges: cell.count,
    }))
    .sort((a, b) => compareKeys(a, b));
}

function compareKeys(a: PublishedCount, b: PublishedCount): number {
  for (const key of ['day', 'providerDepartment', 'consumerDepartment', 'dataset', 'outcome'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  return 0;
}

/** RFC 4180 CSV of the published cells (the ingest format), header of field names first. */
export function statsCsv(cells: readonly PublishedCount[]): string {
  const quote = (value: string | number) => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [STATS_COLUMNS.join(','), ...cells.map((cell) => STATS_COLUMNS.map((column) => quote(cell[column])).join(','))].join('\r\n') + '\r\n';
}

/** The catalogue entry of the statistics: open, public fields only, refreshed daily. */
export function statsDatasetInput(threshold: number): RegisterDatasetInput {
  return {
    code: STATS_DATASET,
    apiName: 'platformExchangeStats',
    title: '政务数据共享交换统计',
    titleEn: 'Data exchange statistics',
    summary:
      `平台每日公开的数据共享交换统计：按日期（北京时间）、提供部门、使用部门、数据资源和结果汇总的调用次数。` +
      `少于 ${threshold} 次的组合不予公布（直接删除，不并入“其他”，也不公布合计），以防反推个别调用。匿名公众门户调用的使用部门记为 ${PUBLIC_CONSUMER}。`,
    category: '平台',
    theme: '政务数据共享',
    keywords: ['统计', '共享交换', 'exchange statistics', 'X-Road-Metrics'],
    format: 'CSV',
    updateCycle: UpdateCycle.DAILY,
    sharingType: SharingType.UNCONDITIONAL,
    sharingBasis: '《政务数据共享条例》（2025）',
    openType: OpenType.OPEN,
    license: 'CC-BY-4.0',
    fields: [
      { name: 'day', title: '日期', type: FieldType.DATE, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
      { name: 'providerDepartment', title: '提供部门', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
      { name: 'consumerDepartment', title: '使用部门', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
      { name: 'dataset', title: '数据资源', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
      { name: 'outcome', title: '结果', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
      { name: 'exchanges', title: '调用次数', type: FieldType.INTEGER, nullable: false, sensitivity: Sensitivity.PUBLIC },
    ],
  };
}

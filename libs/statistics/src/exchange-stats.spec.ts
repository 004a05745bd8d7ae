import { describe, expect, it } from '@jest/globals';
import { AuditOutcome, type ExchangeCount } from '@causeway/audit';
import { statsCsv, STATS_COLUMNS, suppressSmallCounts } from './exchange-stats.js';
import { chinaDate, lastSettledDay } from './statistics.service.js';

const cell = (consumer: string | null, count: number, outcome = AuditOutcome.ALLOWED): ExchangeCount => ({
  day: '2026-12-06',
  providerDepartment: 'DG-AMR',
  consumerDepartment: consumer,
  dataset: 'AMR-ENT-REG',
  outcome,
  count,
});

describe('exchange statistics: small-count suppression', () => {
  it('a cell below the threshold is dropped, never merged into a total a reader could subtract from', () => {
    const published = suppressSmallCounts([cell('DG-TAX', 12), cell('DG-PSB', 4), cell('DG-PSB', 1, AuditOutcome.DENIED), cell(null, 5)], 5);
    expect(published.map((row) => [row.consumerDepartment, row.outcome, row.exchanges])).toEqual([
      ['DG-TAX', 'ALLOWED', 12],
      ['PUBLIC', 'ALLOWED', 5],
    ]);
    expect(published.every((row) => row.exchanges >= 5)).toBe(true);
    // Only the grouping keys and the count: no total, no "other" row, no principal.
    expect(published.every((row) => Object.keys(row).sort().join() === [...STATS_COLUMNS].sort().join())).toBe(true);
  });

  it('a threshold of 1 publishes every cell', () => {
    expect(suppressSmallCounts([cell('DG-PSB', 1)], 1)).toHaveLength(1);
  });

  it('writes CSV with the field names as header and quotes what needs quoting', () => {
    const csv = statsCsv(suppressSmallCounts([{ ...cell('DG-"X",Y', 7) }], 5));
    expect(csv).toBe('day,providerDepartment,consumerDepartment,dataset,outcome,exchanges\r\n2026-12-06,DG-AMR,"DG-""X"",Y",AMR-ENT-REG,ALLOWED,7\r\n');
  });
});

describe('exchange statistics: which days are published', () => {
  it('a day is published once it has been over for 15 minutes (China time), never while it runs', () => {
    expect(lastSettledDay(new Date('2026-12-08T00:10:00+08:00'))).toBe('2026-12-06');
    expect(lastSettledDay(new Date('2026-12-08T00:20:00+08:00'))).toBe('2026-12-07');
    expect(lastSettledDay(new Date('2026-12-08T23:59:00+08:00'))).toBe('2026-12-07');
    expect(chinaDate(new Date('2026-12-07T16:30:00Z'))).toBe('2026-12-08');
  });
});

import { describe, expect, it } from '@jest/globals';
import dayjs from 'dayjs';
import { auditFilterFromParams, auditParamsFromValues } from './auditFilter';

describe('the audit filter in the URL', () => {
  it('round-trips every filter, the purpose and Chinese text included', () => {
    const from = dayjs('2026-12-01T08:00:00.000Z');
    const params = auditParamsFromValues({ from, department: 'TH-AMR', dataset: 'PSB-PEOPLE', action: 'records.*', outcome: 'DENIED', principal: 'user:li.na@amr.gov.cn', purpose: '（2026）穗天市监登字第0042号' });
    const url = `/console/audit?${params.toString()}`;
    expect(auditFilterFromParams(new URL(url, 'http://x').searchParams)).toEqual({
      from: '2026-12-01T08:00:00.000Z', department: 'TH-AMR', dataset: 'PSB-PEOPLE', action: 'records.*', outcome: 'DENIED', principal: 'user:li.na@amr.gov.cn', purpose: '（2026）穗天市监登字第0042号',
    });
  });

  it('leaves out empty fields, trims text, and drops parameters the API does not know', () => {
    expect(auditParamsFromValues({ dataset: '  PSB-PEOPLE ', purpose: '   ', department: undefined }).toString()).toBe('dataset=PSB-PEOPLE');
    expect(auditFilterFromParams(new URLSearchParams('dataset=X&first=9999&after=abc&purpose='))).toEqual({ dataset: 'X' });
  });

  it('drops a hand-edited time the API could not read instead of failing the whole search', () => {
    expect(auditFilterFromParams(new URLSearchParams('from=yesterday&to=2026-12-02T00:00:00.000Z'))).toEqual({ to: '2026-12-02T00:00:00.000Z' });
  });
});

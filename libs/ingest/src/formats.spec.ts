import { describe, expect, it } from '@jest/globals';
import { formatOf } from './formats.js';
import { dispositionFilename } from './ingest.controller.js';

describe('upload formats', () => {
  it.each([
    ['text/csv; charset=gbk', null, 'csv'],
    ['application/json', null, 'json'],
    ['application/x-ndjson', null, 'ndjson'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', null, 'xlsx'],
    ['application/octet-stream', '企业.XLSX', 'xlsx'],
    [null, 'data.jsonl', 'ndjson'],
    ['text/html', null, null],
    [null, null, null],
  ])('%s named %s is %s', (type, name, format) => {
    expect(formatOf(type, name)).toBe(format);
  });

  it('reads the file name of a Content-Disposition header', () => {
    expect(dispositionFilename('attachment; filename="a b.csv"')).toBe('a b.csv');
    expect(dispositionFilename("attachment; filename*=UTF-8''%E4%BC%81%E4%B8%9A.csv")).toBe('企业.csv');
    expect(dispositionFilename('attachment; filename=x.csv')).toBe('x.csv');
    expect(dispositionFilename(undefined)).toBeNull();
  });
});

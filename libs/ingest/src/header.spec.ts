import { describe, expect, it } from '@jest/globals';
import { mapHeader, sniffDelimiter, type HeaderField } from './header.js';

const FIELDS: HeaderField[] = [
  { name: 'creditCode', title: '统一社会信用代码', nullable: false },
  { name: 'entName', title: '企业名称', nullable: false },
  { name: 'hospital', title: '出生地点（医疗机构）', nullable: true },
];

describe('header mapping', () => {
  it('maps columns by machine name or Chinese title, in any order, loosely (case, spaces, full-width brackets, BOM)', () => {
    expect(mapHeader(FIELDS, ['企业名称', ' CREDITCODE ', '出生地点(医疗机构)'])).toEqual({ columnToField: [1, 0, 2] });
    expect(mapHeader(FIELDS, ['\uFEFF统一社会信用代码', 'entName', 'hospital'])).toEqual({ columnToField: [0, 1, 2] });
  });

  it('names unknown, missing and doubled columns', () => {
    const problems = mapHeader(FIELDS, ['统一社会信用代码', 'creditCode', '内部编号']);
    expect(Array.isArray(problems) && problems.map((problem) => [problem.kind, problem.columns])).toEqual([
      ['UNKNOWN_COLUMNS', ['内部编号']],
      ['DUPLICATE_COLUMNS', ['统一社会信用代码 / creditCode (both creditCode)']],
      ['MISSING_COLUMNS', ['entName', 'hospital']],
    ]);
  });

  it('refuses a blank header row', () => {
    const problems = mapHeader(FIELDS, ['', ' ']);
    expect(Array.isArray(problems) && problems[0]!.kind).toBe('EMPTY_HEADER');
  });

  it.each([
    ['a,b,c', ','],
    ['a;b;c', ';'],
    ['a\tb\tc', '\t'],
    ['a|b|c', '|'],
    ['"a;b",c', ','],
    ['单列', ','],
    ['a;b,c;d', ';'],
  ])('sniffs the delimiter of %j', (line, delimiter) => {
    expect(sniffDelimiter(line)).toBe(delimiter);
  });
});

import { describe, expect, it } from '@jest/globals';
import { cellPosition, columnLetters, isDateFormat, serialToText } from './xlsx.js';

describe('XLSX helpers', () => {
  it('reads cell references', () => {
    expect(cellPosition('A1')).toEqual({ column: 0, row: 1 });
    expect(cellPosition('AB12')).toEqual({ column: 27, row: 12 });
    expect(cellPosition('1A')).toBeNull();
    expect([0, 25, 26, 27, 701, 702].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });

  it.each([
    ['yyyy"年"m"月"d"日"', true],
    ['yyyy/m/d h:mm', true],
    ['[$-804]yyyy年m月d日', true],
    ['0.00', false],
    ['#,##0', false],
    ['"m"0', false],
    ['[Red]0.00', false],
  ])('tells a date format %j', (code, date) => {
    expect(isDateFormat(code)).toBe(date);
  });

  it('turns Excel serial dates into text (1900 and 1904 systems, times, the 1900 leap-year bug)', () => {
    expect(serialToText(45322, false)).toBe('2024-01-31');
    expect(serialToText(45322.354166666664, false)).toBe('2024-01-31 08:30:00');
    expect(serialToText(61, false)).toBe('1900-03-01');
    expect(serialToText(59, false)).toBe('1900-02-28');
    expect(serialToText(43860, true)).toBe('2024-01-31');
  });
});

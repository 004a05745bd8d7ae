import { describe, expect, it } from '@jest/globals';
import { divisionPrefix, isBelowDivision } from './divisions.js';

describe('division nesting (行政区划代码)', () => {
  it('drops trailing pairs of zeros only', () => {
    expect(divisionPrefix('440100')).toBe('4401');
    expect(divisionPrefix('440000')).toBe('44');
    expect(divisionPrefix('440106')).toBe('440106');
    expect(divisionPrefix('441900')).toBe('4419');
  });

  it('a district is below its city; the city itself, a sibling city and a neighbour’s district are not', () => {
    expect(isBelowDivision('440106', '440100')).toBe(true);
    expect(isBelowDivision('440100', '440000')).toBe(true);
    expect(isBelowDivision('440100', '440100')).toBe(false);
    expect(isBelowDivision('440300', '440100')).toBe(false);
    expect(isBelowDivision('440304', '440100')).toBe(false);
    expect(isBelowDivision('440000', '440100')).toBe(false);
  });

  it('a department without a division, or with a malformed one, is below nothing', () => {
    expect(isBelowDivision(null, '440100')).toBe(false);
    expect(isBelowDivision('440106', null)).toBe(false);
    expect(isBelowDivision('4401%', '440100')).toBe(false);
    expect(isBelowDivision('440106', '000000')).toBe(false);
  });
});

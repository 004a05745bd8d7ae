import { describe, expect, it } from '@jest/globals';
import { FieldType, MaskType, OpenType, Sensitivity, SharingType } from './enums.js';
import { deriveApiName, fieldProblems, likePattern, searchTextOf, sharingProblems } from './rules.js';

describe('catalogue rules', () => {
  it('requires a condition and a basis for conditional sharing', () => {
    const problems = sharingProblems({ sharingType: SharingType.CONDITIONAL, openType: OpenType.CLOSED });
    expect(problems.map((problem) => problem.field)).toEqual(['input.sharingCondition', 'input.sharingBasis']);
  });

  it('accepts unconditional sharing without a condition', () => {
    expect(sharingProblems({ sharingType: SharingType.UNCONDITIONAL, openType: OpenType.OPEN })).toEqual([]);
  });

  it('refuses a dataset closed to departments but open to the public', () => {
    const problems = sharingProblems({ sharingType: SharingType.NONE, sharingBasis: '法', openType: OpenType.OPEN });
    expect(problems).toEqual([{ field: 'input.openType', message: expect.stringContaining('must be CLOSED') }]);
  });

  it('requires an open condition for conditionally open datasets', () => {
    expect(sharingProblems({ sharingType: SharingType.UNCONDITIONAL, openType: OpenType.CONDITIONAL })[0]?.field).toBe('input.openCondition');
  });

  it('refuses duplicate names regardless of case, looser fields, and masks that do not fit the type', () => {
    const problems = fieldProblems(
      [
        { name: 'creditCode', type: FieldType.STRING },
        { name: 'creditcode', type: FieldType.STRING },
        { name: 'amount', type: FieldType.DECIMAL, mask: MaskType.PHONE },
        { name: 'born', type: FieldType.STRING, mask: MaskType.YEAR_ONLY },
        { name: 'loose', type: FieldType.STRING, sharingType: SharingType.UNCONDITIONAL },
        { name: 'idCard', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE },
        { name: 'key', type: FieldType.JSON, isKey: true, nullable: true },
        { name: '_row', type: FieldType.STRING },
      ],
      SharingType.CONDITIONAL,
    );
    expect(problems.map((problem) => problem.field)).toEqual([
      'input.fields[1].name',
      'input.fields[2].mask',
      'input.fields[3].mask',
      'input.fields[4].sharingType',
      'input.fields[5].mask',
      'input.fields[6].nullable',
      'input.fields[6].isKey',
      'input.fields[7].name',
    ]);
  });

  it('derives camelCase API names from codes', () => {
    expect(deriveApiName('AMR-ENT-REG')).toBe('amrEntReg');
    expect(deriveApiName('440100_POP_01')).toBe('d440100Pop01');
  });

  it('escapes LIKE wildcards in search words', () => {
    expect(likePattern('100%_a\\')).toBe('%100\\%\\_a\\\\%');
  });

  it('builds lower-cased search text from titles, summary and keywords', () => {
    expect(searchTextOf({ code: 'A-1', title: '企业登记信息', titleEn: 'Enterprise', summary: 's', keywords: ['法人'] })).toContain('enterprise');
  });
});

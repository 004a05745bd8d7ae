import { describe, expect, it } from '@jest/globals';
import { FieldType } from '@causeway/catalogue';
import { disputedGroups, isContact, isDisputing, keyText, parseRecordKeys } from './objection-rules.js';

const KEYS = [
  { name: 'creditCode', type: FieldType.STRING },
  { name: 'seq', type: FieldType.INTEGER },
];

describe('objection rules', () => {
  it('reads cited records as key tuples, normalised and without duplicates', () => {
    const { tuples, problems } = parseRecordKeys(
      [
        { creditCode: '91440101MA5ABCDE1X', seq: 1 },
        { creditCode: '91440101MA5ABCDE1X', seq: '1' },
        { seq: 2, creditCode: 'B' },
      ],
      KEYS,
    );
    expect(problems).toEqual([]);
    expect(tuples).toEqual([
      ['91440101MA5ABCDE1X', '1'],
      ['B', '2'],
    ]);
  });

  it('names every bad record by its position and field, without echoing its values', () => {
    const secret = '身份证号440106199001011234';
    const { problems } = parseRecordKeys([null, { creditCode: 'A' }, { creditCode: 'A', seq: 'x', extraName: secret }, ['A', 1]], KEYS);
    expect(problems.map((problem) => problem.field)).toEqual(['input.records[0]', 'input.records[1].seq', 'input.records[2]', 'input.records[2].seq', 'input.records[3]']);
    expect(JSON.stringify(problems)).not.toContain(secret);
    expect(JSON.stringify(problems)).not.toContain('extraName');
  });

  it('compares key values as the database does: 12.50 is 12.5, one instant in two zones is one key', () => {
    expect(keyText(FieldType.DECIMAL, '12.50')).toBe(keyText(FieldType.DECIMAL, 12.5));
    expect(keyText(FieldType.DECIMAL, '-0.0')).toBe('0');
    expect(keyText(FieldType.INTEGER, 7)).toBe(keyText(FieldType.INTEGER, '7'));
    expect(keyText(FieldType.DATETIME, '2026-01-01T08:00:00+08:00')).toBe(keyText(FieldType.DATETIME, '2026-01-01T00:00:00.000Z'));
    expect(keyText(FieldType.STRING, 5)).toBeNull();
    const { tuples } = parseRecordKeys([{ amount: '12.50' }, { amount: 12.5 }], [{ name: 'amount', type: FieldType.DECIMAL }]);
    expect(tuples).toEqual([['12.5']]);
  });

  it('an objection disputes its records while open, and once confirmed until the correcting version is served', () => {
    expect(isDisputing('OPEN', null, 1)).toBe(true);
    expect(isDisputing('CONFIRMED', 3, 2)).toBe(true);
    expect(isDisputing('CONFIRMED', 3, 3)).toBe(false);
    expect(isDisputing('CORRECTED', 3, 2)).toBe(false);
    expect(isDisputing('REJECTED', null, 1)).toBe(false);
  });

  it('groups disputed keys by their key fields, merging duplicates across objections', () => {
    const one = { keyFields: KEYS, recordKeys: [['A', '1']], status: 'OPEN', correctedInVersion: null };
    const two = { keyFields: KEYS, recordKeys: [['A', '1'], ['B', '2']], status: 'CONFIRMED', correctedInVersion: 5 };
    const otherKey = { keyFields: [{ name: 'code', type: FieldType.STRING }], recordKeys: [['Z']], status: 'OPEN', correctedInVersion: null };
    expect(disputedGroups([one, two, otherKey], 4)).toEqual([
      { fields: KEYS, keys: [['A', '1'], ['B', '2']] },
      { fields: [{ name: 'code', type: FieldType.STRING }], keys: [['Z']] },
    ]);
    expect(disputedGroups([two], 5)).toEqual([]);
  });

  it('takes an e-mail address or a phone number as a contact', () => {
    expect(isContact('citizen@example.cn')).toBe(true);
    expect(isContact('+86 138-1234-5678')).toBe(true);
    expect(isContact('020 12345678')).toBe(true);
    expect(isContact('call me maybe')).toBe(false);
    expect(isContact('a@b')).toBe(false);
  });
});

import { describe, expect, it } from '@jest/globals';
import { FieldType, MaskType } from '@causeway/catalogue';
import { keyedHash, maskAddress, maskEmail, maskIdCard, maskLast4, maskName, maskPhone, maskValue, yearOnly } from './masks.js';

const context = { hashKey: Buffer.alloc(32, 7), hashScope: 'dept-a' };

describe('masks', () => {
  it('masks identity numbers, phones, names and e-mail addresses as the regulations show them', () => {
    expect(maskIdCard('440101199001011234')).toBe('4401**********1234');
    expect(maskIdCard('1234567')).toBe('*******');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('𠀀三')).toBe('𠀀*');
    expect(maskEmail('li.na@amr.gov.cn')).toBe('l***@amr.gov.cn');
    expect(maskEmail('nobody')).toBe('***');
    expect(maskLast4('6222021234567890')).toBe('****7890');
  });

  it('keeps an address to its district, never the street or the house', () => {
    expect(maskAddress('广东省广州市天河区天河路385号')).toBe('广东省广州市天河区***');
    expect(maskAddress('广州市越秀区中山五路1号')).toBe('广州市越秀区***');
    expect(maskAddress('广州市中山大道西55号某某花园小区3栋')).toBe('广州市***');
    expect(maskAddress('某路1号')).toBe('***');
  });

  it('keeps the year only of dates and date-times', () => {
    expect(yearOnly('1990-05-01')).toBe('1990');
    expect(yearOnly('2024-12-31T20:00:00.000Z')).toBe('2024');
    expect(maskValue(MaskType.YEAR_ONLY, FieldType.DATE, '1990-05-01', context)).toBe('1990');
  });

  it('hashes with a key, stably within a department and differently across departments', () => {
    const a = maskValue(MaskType.HASH, FieldType.STRING, '440101199001011234', context);
    expect(a).toBe(maskValue(MaskType.HASH, FieldType.STRING, '440101199001011234', context));
    expect(a).not.toBe(maskValue(MaskType.HASH, FieldType.STRING, '440101199001011234', { ...context, hashScope: 'dept-b' }));
    expect(a).not.toBe(keyedHash(Buffer.alloc(32, 8), 'dept-a', '440101199001011234'));
    expect(String(a)).toMatch(/^[0-9a-f]{32}$/);
    expect(maskValue(MaskType.HASH, FieldType.INTEGER, 42, context)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('redacts text to *** and any other type to null, and keeps null null', () => {
    expect(maskValue(MaskType.REDACT, FieldType.STRING, 'secret', context)).toBe('***');
    expect(maskValue(MaskType.REDACT, FieldType.DECIMAL, '12000.50', context)).toBeNull();
    expect(maskValue(MaskType.NONE, FieldType.INTEGER, 5, context)).toBeNull();
    expect(maskValue(MaskType.ID_CARD, FieldType.STRING, null, context)).toBeNull();
  });
});

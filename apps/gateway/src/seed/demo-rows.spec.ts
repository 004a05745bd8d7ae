import { describe, expect, it } from '@jest/globals';
import { FieldType } from '@causeway/catalogue';
import { DEMO_DATASETS } from './demo-data.js';
import { csvField, DEMO_ROW_COUNTS, demoCsv, demoRow, hasDemoRows } from './demo-rows.js';
import { isValidCreditCode, isValidIdCard } from './synthetic.js';

const TYPE_CHECKS: Record<FieldType, (value: unknown) => boolean> = {
  [FieldType.STRING]: (value) => typeof value === 'string' && value.length > 0,
  [FieldType.INTEGER]: (value) => Number.isInteger(value),
  [FieldType.DECIMAL]: (value) => typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value),
  [FieldType.BOOLEAN]: (value) => typeof value === 'boolean',
  [FieldType.DATE]: (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value),
  [FieldType.DATETIME]: (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value),
  [FieldType.JSON]: () => true,
};

describe('demo rows', () => {
  it.each(DEMO_DATASETS.map((dataset) => [dataset.code, dataset] as const))('%s: rows fill exactly its fields, typed, with unique keys', (code, dataset) => {
    expect(hasDemoRows(code)).toBe(true);
    expect(DEMO_ROW_COUNTS[code]).toBeGreaterThan(0);
    const keys = new Set<string>();
    const count = 20_000;
    const names = dataset.fields.map((field) => field.name).sort().join(',');
    // Plain checks in the loop: an expect() per value made this test take minutes.
    for (let index = 0; index < count; index += 1) {
      const row = demoRow(code, index);
      if (Object.keys(row).sort().join(',') !== names) throw new Error(`${code} row ${index} has fields ${Object.keys(row).join(',')}`);
      for (const field of dataset.fields) {
        const value = row[field.name];
        if (value === null) {
          if (field.nullable === false || field.isKey) throw new Error(`${code} row ${index}: ${field.name} is null but not nullable`);
          continue;
        }
        if (!TYPE_CHECKS[field.type](value)) throw new Error(`${code} row ${index}: ${field.name} = ${JSON.stringify(value)} is not a ${field.type}`);
        if (/idCard|IdCard/.test(field.name) && !isValidIdCard(value as string)) throw new Error(`${code} row ${index}: ${field.name} ${String(value)} fails the check digit`);
        if (/[cC]reditCode/.test(field.name) && !isValidCreditCode(value as string)) throw new Error(`${code} row ${index}: ${field.name} ${String(value)} fails the check character`);
      }
      keys.add(dataset.fields.filter((field) => field.isKey).map((field) => String(row[field.name])).join('|'));
    }
    expect(keys.size).toBe(count);
  });

  it('refers to enterprises that the enterprise registry holds', () => {
    const registry = new Set(Array.from({ length: DEMO_ROW_COUNTS['AMR-ENT-REG']! }, (_v, index) => demoRow('AMR-ENT-REG', index).creditCode));
    for (let index = 0; index < 200; index += 1) expect(registry.has(demoRow('TAX-PAYMENTS', index).creditCode as string)).toBe(true);
  });

  it('fills fields of datasets it does not know, with unique, valid keys', () => {
    const fields = [
      { name: 'idCard', type: FieldType.STRING, isKey: true, nullable: false },
      { name: 'entName', type: FieldType.STRING, isKey: false, nullable: true },
      { name: 'employees', type: FieldType.INTEGER, isKey: false, nullable: false },
      { name: 'openedAt', type: FieldType.DATETIME, isKey: false, nullable: false },
    ];
    const ids = new Set<string>();
    for (let index = 0; index < 5000; index += 1) {
      const row = demoRow('BENCH-X', index, fields);
      expect(isValidIdCard(row.idCard as string)).toBe(true);
      expect(Number.isInteger(row.employees)).toBe(true);
      expect(row.openedAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      ids.add(row.idCard as string);
    }
    expect(ids.size).toBe(5000);
    expect(() => demoRow('BENCH-X', 0)).toThrow(/No demo rows/);
  });

  it('streams CSV in pieces with a header, quoting what must be quoted', () => {
    const pieces = [...demoCsv('TAX-CREDIT-A', ['creditCode', 'taxpayerName', 'rating', 'year'], 5, { chunkRows: 2 })];
    expect(pieces).toHaveLength(3);
    const lines = pieces.join('').trimEnd().split('\n');
    expect(lines[0]).toBe('creditCode,taxpayerName,rating,year');
    expect(lines).toHaveLength(6);
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField(null)).toBe('');
  });
});

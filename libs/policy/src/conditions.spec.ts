import { describe, expect, it } from '@jest/globals';
import { FieldType } from '@causeway/catalogue';
import { CausewayError } from '@causeway/core';
import { compareDecimal, evaluate, normaliseValue, parseWhere, toWhereJson, type FieldTypes } from './conditions.js';

const fields: FieldTypes = new Map([
  ['name', FieldType.STRING],
  ['age', FieldType.INTEGER],
  ['income', FieldType.DECIMAL],
  ['active', FieldType.BOOLEAN],
  ['born', FieldType.DATE],
  ['seen', FieldType.DATETIME],
  ['extra', FieldType.JSON],
  ['district', FieldType.STRING],
]);

function problems(json: unknown, consumer?: 'keep'): { field: string; message: string }[] {
  try {
    parseWhere(json, fields, { path: 'where', consumer });
  } catch (error) {
    expect(error).toBeInstanceOf(CausewayError);
    return ((error as CausewayError).extensions.problems as { field: string; message: string }[]) ?? [];
  }
  return [];
}

describe('parseWhere: the filter language', () => {
  it('parses comparisons, lists and combinators into one condition, naming every field', () => {
    const parsed = parseWhere(
      { name: { like: '张%' }, _or: [{ age: { gte: 18, lt: 65 } }, { active: { eq: true } }], _not: { born: { in: ['2000-01-01'] } } },
      fields,
      { path: 'where' },
    );
    expect([...parsed.fields].sort()).toEqual(['active', 'age', 'born', 'name']);
    expect(toWhereJson(parsed.cond)).toEqual({
      _and: [
        { name: { like: '张%' } },
        { _or: [{ _and: [{ age: { gte: '18' } }, { age: { lt: '65' } }] }, { active: { eq: true } }] },
        { _not: { born: { in: ['2000-01-01'] } } },
      ],
    });
  });

  it('normalises numbers exactly: integers beyond 2^53 as text, decimals as text', () => {
    expect(normaliseValue(FieldType.INTEGER, '9223372036854775807')).toBe('9223372036854775807');
    expect(normaliseValue(FieldType.INTEGER, '9223372036854775808')).toBeNull();
    expect(normaliseValue(FieldType.INTEGER, 1.5)).toBeNull();
    expect(normaliseValue(FieldType.DECIMAL, '12.50')).toBe('12.50');
    expect(normaliseValue(FieldType.DECIMAL, '1e400')).toBeNull();
    expect(normaliseValue(FieldType.DATE, '2024-02-30')).toBeNull();
    expect(normaliseValue(FieldType.DATETIME, '2024-02-03T10:00:00')).toBeNull();
    expect(normaliseValue(FieldType.DATETIME, '2024-02-03T10:00:00+08:00')).toBe('2024-02-03T10:00:00+08:00');
  });

  it('reports every problem with its path and never quotes the offending value', () => {
    const secret = '440101199001011234';
    const found = problems({ age: { eq: secret + 'x' }, nope: { eq: 1 }, name: { between: [1, 2] }, extra: { eq: secret }, active: { like: secret } });
    expect(found.map((problem) => problem.field).sort()).toEqual(['where.active.like', 'where.age.eq', 'where.extra.eq', 'where.name.between', 'where.nope']);
    expect(JSON.stringify(found)).not.toContain(secret);
  });

  it('refuses field names that are not in the whitelist, however they are spelled', () => {
    for (const name of ['"name"', 'name; drop table x', 'name" or 1=1 --', '__proto__', 'constructor', 'toString', '_row', 'NAME']) {
      expect(problems({ [name]: { eq: 'x' } }).map((problem) => problem.field)).toEqual([`where.${name}`]);
    }
  });

  it('refuses NUL bytes, oversized lists and deep nesting', () => {
    expect(problems({ name: { eq: 'a\u0000b' } })).toHaveLength(1);
    expect(problems({ name: { in: Array.from({ length: 1001 }, (_, index) => String(index)) } })).toHaveLength(1);
    let deep: Record<string, unknown> = { name: { eq: 'x' } };
    for (let level = 0; level < 12; level += 1) deep = { _not: deep };
    expect(problems(deep).length).toBeGreaterThan(0);
  });

  it('allows {"$consumer": …} only in row scopes, and resolves a missing attribute to "no rows"', () => {
    expect(problems({ district: { eq: { $consumer: 'divisionCode' } } })[0]?.message).toMatch(/only allowed in a grant/);
    expect(problems({ district: { eq: { $consumer: 'password' } } }, 'keep')[0]?.message).toMatch(/\$consumer/);
    const kept = parseWhere({ district: { eq: { $consumer: 'divisionCode' } } }, fields, { path: 'rowScope', consumer: 'keep' });
    expect(toWhereJson(kept.cond)).toEqual({ district: { eq: { $consumer: 'divisionCode' } } });
    const resolved = parseWhere({ district: { eq: { $consumer: 'divisionCode' } } }, fields, { path: 'rowScope', consumer: { divisionCode: '440106', departmentCode: 'X' } });
    expect(toWhereJson(resolved.cond)).toEqual({ district: { eq: '440106' } });
    const missing = parseWhere({ district: { eq: { $consumer: 'divisionCode' } } }, fields, { path: 'rowScope', consumer: { divisionCode: null, departmentCode: 'X' } });
    expect(missing.cond.kind).toBe('false');
    const negated = parseWhere({ _not: { district: { eq: { $consumer: 'divisionCode' } } } }, fields, { path: 'rowScope', consumer: { divisionCode: null, departmentCode: 'X' } });
    // "not in my district" for a consumer without a district: still nothing, never everything.
    expect(negated.cond.kind).toBe('false');
  });
});

describe('evaluate: the reference semantics', () => {
  const row = { name: '张三', age: '42', income: '1000.50', active: true, born: '1990-05-01', seen: '2024-01-01T00:00:00Z', extra: null, district: null };
  const check = (where: unknown) => evaluate(parseWhere(where, fields, { path: 'where' }).cond, row, fields);

  it('compares by type, exactly', () => {
    expect(check({ age: { gt: 9 } })).toBe(true);
    expect(check({ income: { gt: '1000.5' } })).toBe(false);
    expect(check({ income: { gte: '1000.5' } })).toBe(true);
    expect(check({ seen: { lt: '2024-01-01T08:00:01+08:00' } })).toBe(true);
    expect(check({ name: { like: '张%' } })).toBe(true);
    expect(check({ name: { like: '张_' } })).toBe(true);
    expect(check({ name: { like: '张' } })).toBe(false);
  });

  it('reads a comparison with a null cell as false and its negation as true', () => {
    expect(check({ district: { eq: 'x' } })).toBe(false);
    expect(check({ district: { neq: 'x' } })).toBe(true);
    expect(check({ _not: { district: { eq: 'x' } } })).toBe(true);
    expect(check({ district: { nin: ['x'] } })).toBe(true);
    expect(check({ _not: { district: { lt: 'x' } } })).toBe(true);
    expect(check({ district: { isNull: true } })).toBe(true);
  });

  it('compares decimals exactly', () => {
    expect(compareDecimal('-0.0', '0')).toBe(0);
    expect(compareDecimal('-1.5', '-1.25')).toBe(-1);
    expect(compareDecimal('10', '9.999999999999999999')).toBe(1);
    expect(compareDecimal('12345678901234567890.1', '12345678901234567890.10')).toBe(0);
  });
});

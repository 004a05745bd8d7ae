import { describe, expect, it } from '@jest/globals';
import { FieldType } from '@causeway/catalogue';
import { parseWhere, type Cond, type FieldTypes } from './conditions.js';
import { compileCondition, SqlParams } from './sql.js';

const fields: FieldTypes = new Map([
  ['name', FieldType.STRING],
  ['age', FieldType.INTEGER],
  ['born', FieldType.DATE],
  ['weird"name', FieldType.STRING],
]);

function compile(where: unknown): { sql: string; values: unknown[] } {
  const params = new SqlParams();
  const sql = compileCondition(parseWhere(where, fields, { path: 'where' }).cond, { fields, alias: 't', params });
  return { sql, values: params.values };
}

describe('compileCondition: conditions to parameterised SQL', () => {
  it('keeps positive comparisons plain (indexable) and passes values as typed parameters', () => {
    expect(compile({ age: { eq: 42 } })).toEqual({ sql: 't."age" = $1::bigint', values: ['42'] });
    expect(compile({ name: { in: ['a', 'b'] }, born: { lt: '2000-01-01' } })).toEqual({
      sql: '(t."name" = any($1::text[]) and t."born" < $2::date)',
      values: [['a', 'b'], '2000-01-01'],
    });
  });

  it('pushes negation down with explicit null handling', () => {
    expect(compile({ _not: { age: { eq: 1 } } }).sql).toBe('(t."age" <> $1::bigint or t."age" is null)');
    expect(compile({ _not: { _or: [{ age: { lt: 1 } }, { name: { isNull: true } }] } }).sql).toBe('((t."age" >= $1::bigint or t."age" is null) and t."name" is not null)');
    expect(compile({ name: { neq: 'x' } }).sql).toBe('(t."name" <> $1::text or t."name" is null)');
    expect(compile({ _not: { name: { nin: ['x'] } } }).sql).toBe('t."name" = any($1::text[])');
  });

  it('never writes a value into the SQL text, whatever it contains', () => {
    const attacks = ["x' or '1'='1", "'; drop table access_grant; --", '$$ or true $$', '\\x', "x'::text) or (true"];
    for (const attack of attacks) {
      const { sql, values } = compile({ name: { eq: attack }, _or: [{ name: { like: attack } }, { name: { in: [attack] } }] });
      expect(sql).not.toContain(attack);
      expect(sql).not.toMatch(/'/);
      expect(values).toContain(attack);
    }
  });

  it('quotes identifiers and refuses any that are not in the whitelist', () => {
    expect(compile({ 'weird"name': { eq: 'x' } }).sql).toBe('t."weird""name" = $1::text');
    const forged: Cond = { kind: 'cmp', field: 'name" = name or true or "name', op: 'eq', value: 'x' };
    expect(() => compileCondition(forged, { fields, alias: 't', params: new SqlParams() })).toThrow(/unknown field/);
  });

  it('refuses an unresolved consumer reference instead of comparing with it', () => {
    const kept = parseWhere({ name: { eq: { $consumer: 'divisionCode' } } }, fields, { path: 'rowScope', consumer: 'keep' }).cond;
    expect(() => compileCondition(kept, { fields, alias: 't', params: new SqlParams() })).toThrow(/placeholder/);
  });
});
